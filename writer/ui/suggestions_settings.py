"""The panel and the settings kept in step: a change made elsewhere (Preferences, the Models
window) shows in the panel, and a view choice made in the panel (shading) is saved at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel


class SettingsReactions:
    """Follows the window's ``settingsChanged`` and the Shade button."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        self.panel = panel
        panel.shading_button.toggled.connect(self.shading_toggled)

    def follow(self, key: str) -> None:
        """React to setting ``key`` changed elsewhere."""
        if key == "suggest.default_model":
            self.panel.models.follow_default()
        elif key == "suggest.token_shading":
            self.panel.shading_button.setChecked(bool(self.panel.settings.get(key)))

    def shading_toggled(self, on: bool) -> None:
        panel = self.panel
        panel.list.set_shading(on)
        if bool(panel.settings.get("suggest.token_shading")) != on:
            panel.settings.set("suggest.token_shading", on)
            try:
                panel.settings.save()  # a view choice survives a crash too, as the drafts' sort order does
            except OSError as exc:
                panel.set_state(f"Could not save settings: {exc}", error=True)
