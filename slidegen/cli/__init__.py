"""The `python -m slidegen` command line: `main` parses, one module per command group runs."""
