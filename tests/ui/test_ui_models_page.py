"""View ▸ Models: every pack with its card, add from a folder, remove your own, choose the default,
and which pack writes most like the open draft."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.panels import panels_of
from writer import paths
from writer.store import Store
from writer.ui.models_page import ModelsDialog, install_models_page

QUIET = {"suggest__auto": False}
SHIPPED = paths.resources_dir() / "models"


@pytest.fixture
def page(qtbot: QtBot, make_window: WindowFactory) -> ModelsDialog:
    if not (SHIPPED / "pkd" / "model.onnx").is_file():
        pytest.skip("the shipped packs are not in resources/models")
    window = make_window(**QUIET)
    dialog = install_models_page(window, panels_of(window).suggestions)()
    qtbot.waitUntil(lambda: dialog.list.count() >= 3)
    return dialog


def names(page: ModelsDialog) -> list[str]:
    return [p.name for p in page.packs]


def test_lists_every_pack_with_its_card(page: ModelsDialog) -> None:
    assert names(page)[:3] == ["ja", "pkd", "vanilla"]
    assert not page.isModal()
    page.list.setCurrentRow(names(page).index("pkd"))
    text = page.card.toPlainText()
    assert "PKD" in text and "ships with Writer" in text and "Copy check" in text and "perplexity" in text
    assert not page.remove_button.isEnabled()  # shipped packs stay


def test_add_make_default_and_remove_a_pack(qtbot: QtBot, page: ModelsDialog, tmp_path: Path) -> None:
    folder = tmp_path / "mydick"
    shutil.copytree(SHIPPED / "pkd", folder)
    page.add_folder(str(folder))
    qtbot.waitUntil(lambda: "mydick" in names(page), timeout=20_000)
    assert "Added" in page.status.text() and (paths.user_models_dir() / "mydick" / "model.onnx").is_file()
    assert page.selected().name == "mydick" and page.remove_button.isEnabled()
    page.make_default()
    assert page.main_window.settings.get("suggest.default_model") == "mydick"
    qtbot.waitUntil(lambda: "★" in page.list.item(names(page).index("mydick")).text())
    page.remove_selected(confirm=False)
    qtbot.waitUntil(lambda: "mydick" not in names(page), timeout=10_000)
    assert not (paths.user_models_dir() / "mydick").exists()
    assert page.main_window.settings.get("suggest.default_model") == "vanilla"  # not a pack that is gone


def test_a_broken_folder_is_not_added_and_says_why(qtbot: QtBot, page: ModelsDialog, tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "model.onnx").write_bytes(b"not a model")
    page.add_folder(str(tmp_path / "junk"))
    qtbot.waitUntil(lambda: "Not added" in page.status.text(), timeout=10_000)
    assert "junk" not in names(page)


def test_which_pack_writes_like_the_draft(qtbot: QtBot, page: ModelsDialog, store: Store) -> None:
    austen = ("It is a truth universally acknowledged, that a single man in possession of a good fortune, "
              "must be in want of a wife. However little known the feelings or views of such a man may be on "
              "his first entering a neighbourhood, this truth is so well fixed in the minds of the surrounding "
              "families, that he is considered the rightful property of some one or other of their daughters.")
    draft = store.create_draft(austen)
    page.main_window.open_draft(draft.id)
    page.compare()
    qtbot.waitUntil(lambda: "writes most like this draft" in page.status.text(), timeout=60_000)
    assert page.status.text().startswith("<b>JA</b>")
