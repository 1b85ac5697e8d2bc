"""The one exception type a user sees as a plain message rather than a traceback."""


class WriterError(Exception):
    """An error the user can act on: the CLI prints it as one line, the app in a dialog."""
