"""``python -m tos_kb`` runs the command line."""

from .cli import main

main()
