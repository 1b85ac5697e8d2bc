"""The model picker and the advanced drawer (temperature, top-p, length, seed).

Each model starts from its card's sampler preset; what the writer changes is remembered per
model in the ``suggest.overrides`` setting, so going back to a model brings its settings back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.generation.packs import Pack
from writer.generation.sampler_settings import SamplerSettings
from writer.settings import SETTINGS, Settings

TUNED = ("temperature", "top_p", "max_new_tokens")

DEFAULT_MODEL = next(s.default for s in SETTINGS if s.key == "suggest.default_model")


class ModelPicker(QComboBox):
    """Every pack; unavailable ones are listed but disabled, with the reason as their tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPicker")
        self.setToolTip("Model that writes the suggestions")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.packs: list[Pack] = []
        self.setModel(QStandardItemModel(self))

    def set_packs(self, packs: list[Pack], preferred: str) -> None:
        model = self.model()
        assert isinstance(model, QStandardItemModel)
        blocked = self.blockSignals(True)
        model.clear()
        self.packs = list(packs)
        for pack in packs:
            label = pack.display_name if pack.available else f"{pack.display_name} (unavailable)"
            item = QStandardItem(label)
            item.setData(pack.name, Qt.ItemDataRole.UserRole)
            item.setToolTip(pack.reason if not pack.available else str(pack.card.get("description") or pack.name))
            if not pack.available:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            model.appendRow(item)
        usable = [i for i, p in enumerate(packs) if p.available]
        # the preferred pack, else the shipped default (a removed pack's place), else the first that works
        fallback = next((i for i in usable if packs[i].name == DEFAULT_MODEL), usable[0] if usable else -1)
        chosen = next((i for i in usable if packs[i].name == preferred), fallback)
        self.setCurrentIndex(chosen)
        self.blockSignals(blocked)
        self.currentIndexChanged.emit(chosen)

    def current_pack(self) -> Pack | None:
        i = self.currentIndex()
        return self.packs[i] if 0 <= i < len(self.packs) and self.packs[i].available else None

    def available(self) -> list[Pack]:
        return [p for p in self.packs if p.available]


class AdvancedDrawer(QWidget):
    """A collapsible form with the sampler settings of the chosen model; ``changed`` on edits."""

    changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.pack: Pack | None = None
        self._filling = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("advancedToggle")
        self.toggle.setText("Advanced")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.toggled.connect(self._on_toggled)
        outer.addWidget(self.toggle)
        self.body = QWidget(self)
        form = QFormLayout(self.body)
        form.setContentsMargins(8, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.temperature = QDoubleSpinBox(self.body)
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setToolTip("Randomness: 0 always picks the likeliest word")
        self.top_p = QDoubleSpinBox(self.body)
        self.top_p.setRange(0.05, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setToolTip("Sample only among the likeliest words covering this much probability")
        self.length = QSpinBox(self.body)
        self.length.setRange(1, 200)
        self.length.setSuffix(" tokens")
        self.length.setToolTip("Longest suggestion (a token is about ¾ of a word)")
        self.seed = QLineEdit(self.body)
        self.seed.setPlaceholderText("random")
        self.seed.setValidator(QIntValidator(0, 2**31 - 1, self.seed))
        self.seed.setToolTip("The same seed and text give the same suggestions; blank for new ones each time")
        self.reset = QPushButton("Reset to the model's preset", self.body)
        self.reset.setObjectName("linkButton")
        self.reset.clicked.connect(self.reset_to_preset)
        form.addRow("Temperature", self.temperature)
        form.addRow("Top-p", self.top_p)
        form.addRow("Length", self.length)
        form.addRow("Seed", self.seed)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.reset)
        form.addRow(row)
        outer.addWidget(self.body)
        self.body.hide()
        for box in (self.temperature, self.top_p, self.length):
            box.valueChanged.connect(self._on_edited)

    def _on_toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    # -- presets ---------------------------------------------------------------------------
    def preset(self, pack: Pack) -> SamplerSettings:
        """The card's preset; its length falls back to the ``suggest.max_new_tokens`` setting."""
        sampler = pack.card.get("sampler")
        card = sampler if isinstance(sampler, dict) else {}
        preset = SamplerSettings.from_dict(pack.sampler)
        if "max_new_tokens" not in card:
            preset = preset.with_overrides(max_new_tokens=int(self.settings.get("suggest.max_new_tokens")))
        return preset

    def _overrides(self) -> dict[str, Any]:
        value = self.settings.get("suggest.overrides")
        return dict(value) if isinstance(value, dict) else {}

    def settings_for(self, pack: Pack) -> SamplerSettings:
        """Preset plus this model's remembered overrides (a bad stored value falls back to the preset)."""
        preset = self.preset(pack)
        mine = self._overrides().get(pack.name)
        if not isinstance(mine, dict):
            return preset
        try:
            return SamplerSettings(**preset.with_overrides(**{k: mine.get(k) for k in TUNED}).as_dict())
        except (WriterError, TypeError, ValueError):
            return preset

    def show_pack(self, pack: Pack | None) -> None:
        self.pack = pack
        self.setEnabled(pack is not None)
        if pack is None:
            return
        current = self.settings_for(pack)
        self._filling = True
        try:
            self.temperature.setValue(current.temperature)
            self.top_p.setValue(current.top_p)
            self.length.setValue(current.max_new_tokens)
        finally:
            self._filling = False

    def _on_edited(self) -> None:
        if self._filling or self.pack is None:
            return
        preset = self.preset(self.pack).as_dict()
        values = {"temperature": round(self.temperature.value(), 3), "top_p": round(self.top_p.value(), 3),
                  "max_new_tokens": self.length.value()}
        mine = {k: v for k, v in values.items() if v != preset[k]}
        overrides = self._overrides()
        if mine:
            overrides[self.pack.name] = mine
        else:
            overrides.pop(self.pack.name, None)
        self.settings.set("suggest.overrides", overrides)
        self.changed.emit()

    def reset_to_preset(self) -> None:
        if self.pack is None:
            return
        overrides = self._overrides()
        overrides.pop(self.pack.name, None)
        self.settings.set("suggest.overrides", overrides)
        self.show_pack(self.pack)
        self.changed.emit()

    def chosen_seed(self) -> int | None:
        text = self.seed.text().strip()
        return int(text) if text else None
