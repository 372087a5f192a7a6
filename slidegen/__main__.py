"""Entry point of `python -m slidegen`."""

from slidegen.cli import main

raise SystemExit(main())
