"""`python -m payback.cli` runs the command line, as `python -m payback` does."""

from payback.cli import main

main()
