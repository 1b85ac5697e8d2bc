"""Which model writes the suggestions: the packs (listed off the GUI thread), the picker, the
Suggestion Model menu (Ctrl+Alt+1…9), and the default-model setting kept in step with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from writer.generation.packs import Pack

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel

PACKS_CHANNEL = "suggestions-packs"


def _discover() -> list[Pack]:
    from writer.generation.packs import discover

    return discover()


class ModelChoice(QObject):
    """Lists the packs, follows the picker, and repeats the batch on screen with a new model."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        panel.picker.currentIndexChanged.connect(self._on_changed)

    def reload(self) -> None:
        """List the packs off the GUI thread (checking them reads every tokenizer)."""
        panel = self.panel
        panel.picker.setEnabled(False)
        panel.set_state("Looking for models…", busy=True)
        panel.worker.submit(_discover, channel=PACKS_CHANNEL, on_result=self._found,
                            on_error=lambda exc: panel.set_state(f"Could not list the models: {exc}", error=True))

    def _found(self, packs: list[Pack]) -> None:
        panel = self.panel
        panel.picker.setEnabled(True)
        panel.picker.set_packs(packs, str(panel.settings.get("suggest.default_model")))
        self.label_actions()
        if not panel.picker.available():
            reasons = "; ".join(f"{p.name}: {p.reason}" for p in packs) or "none are installed"
            panel.set_state(f"No model can be used ({reasons}).", error=True)
        else:
            panel.set_state("")
        panel.packsLoaded.emit()

    def follow_default(self) -> None:
        """A default model chosen elsewhere (Preferences, the Models window) is picked here too."""
        if self.current() != self.panel.settings.get("suggest.default_model"):
            self.reload()

    def label_actions(self) -> None:
        """Name the Ctrl+Alt+1…9 actions after the usable packs, the chosen one checked."""
        usable = self.panel.picker.available()
        current = self.panel.picker.current_pack()
        for i, action in enumerate(self.panel.keys.models):
            pack = usable[i] if i < len(usable) else None
            action.setText(pack.display_name.replace("&", "&&") if pack else f"Model {i + 1}")
            action.setVisible(pack is not None)
            action.setEnabled(pack is not None)
            action.setCheckable(True)
            action.setChecked(pack is not None and current is not None and pack.name == current.name)

    def pick(self, i: int) -> bool:
        """Ctrl+Alt+1…9: the ``i``-th usable model writes the suggestions from now on."""
        picker = self.panel.picker
        usable = picker.available()
        if not 0 <= i < len(usable):
            return False
        picker.setCurrentIndex(picker.packs.index(usable[i]))
        return True

    def current(self) -> str | None:
        """The chosen pack's name (the copy check checks suggestions against its books)."""
        pack = self.panel.picker.current_pack()
        return pack.name if pack is not None else None

    def _on_changed(self, _index: int) -> None:
        panel = self.panel
        pack = panel.picker.current_pack()
        panel.drawer.show_pack(pack)
        if pack is not None and pack.name != panel.settings.get("suggest.default_model"):
            panel.settings.set("suggest.default_model", pack.name)
        self.label_actions()
        if panel.compare_button.isChecked() or not (panel.history.batches or panel.requests.running):
            return
        # cards labelled with the old model would be a lie: the new one writes the same kind of batch
        if panel.anchor is not None and panel.editor.textCursor().position() == panel.anchor[1]:
            panel.requests.request(panel.requests.shown_kind())
        else:
            panel.dismiss()
