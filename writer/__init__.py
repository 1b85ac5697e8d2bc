"""Writer: a desktop writing assistant that helps drafts ship."""

__version__ = "0.1.0"
