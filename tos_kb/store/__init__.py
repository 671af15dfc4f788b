"""Where an archive comes from: a folder, a git revision, and the compiled cache."""
