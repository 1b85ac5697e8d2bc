"""`python -m writer` is the same as the `writer` command."""

from writer.cli import main

raise SystemExit(main())
