"""CLI subcommands, one module each; see :mod:`writer.cli`."""
