"""Entry point of `python -m slidegen`."""

from slidegen.cli.main import main

raise SystemExit(main())
