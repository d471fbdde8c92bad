"""`python -m payback` runs the command line."""

from payback.cli import main

main()
