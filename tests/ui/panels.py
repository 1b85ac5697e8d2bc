"""The side panels the ``make_window`` fixture built for each window (the app keeps them in its
:class:`~writer.ui.features.Features`; the window itself does not know them).

A module of its own, not conftest: pytest imports conftest under another name than a test's
``import`` would, and the two copies would hold two registries.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from writer.ui.features import Panels
from writer.ui.main_window import MainWindow

_PANELS: WeakKeyDictionary[MainWindow, Panels] = WeakKeyDictionary()


def keep(window: MainWindow, panels: Panels) -> None:
    _PANELS[window] = panels


def panels_of(window: MainWindow) -> Panels:
    """The side panels built for ``window`` by the ``make_window`` fixture."""
    return _PANELS[window]
