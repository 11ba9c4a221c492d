from nashra.cli import entry

entry()
