"""``python -m tos_kb`` runs the command line."""

from tos_kb.cli import main

main()
