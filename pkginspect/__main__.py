"""Run the pkginspect command line: ``python -m pkginspect``."""

from pkginspect.cli import main

main()
