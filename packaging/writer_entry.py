"""Entry point of the frozen app: the same ``writer`` command as ``pip install`` gives."""

from writer.cli import main

raise SystemExit(main())
