"""`python -m twingrad` is the `twingrad` command."""
from twingrad.cli import main

# Guarded: a spawned worker process re-imports this module under another name and must not run main().
if __name__ == "__main__":
    raise SystemExit(main())
