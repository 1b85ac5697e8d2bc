"""The tag field above the text: the open draft's tags, completion from tags in use, saved with the draft."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from writer.store import Store
from writer.store.markdown_io import export_markdown
from writer.ui.tags import parse

QUIET = {"suggest__auto": False}


def test_parse_splits_trims_and_drops_case_duplicates() -> None:
    assert parse(" travel, food ,, Travel,  sea  shore ") == ["travel", "food", "sea shore"]


def test_tags_are_shown_edited_and_saved_with_the_draft(qtbot: QtBot, store: Store,
                                                        make_window: WindowFactory) -> None:
    other = store.create_draft("Elsewhere.", tags=["Travel", "recipes"])
    draft = store.create_draft("Harbour notes.", tags=["sea"])
    window = make_window(**QUIET)
    window.open_draft(draft.id)
    field = window.tag_bar.field
    assert field.text() == "sea" and field.isVisible()
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "sea, travel, boats")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert store.get_draft(draft.id).tags == ("sea", "Travel", "boats")  # the spelling in use wins
    assert "tags:\n- sea\n- Travel\n- boats" in export_markdown(store.get_draft(draft.id))
    window.open_draft(other.id)
    assert field.text() == "Travel, recipes"


def test_completion_offers_tags_in_use_for_the_word_being_typed(qtbot: QtBot, store: Store,
                                                                make_window: WindowFactory) -> None:
    store.create_draft("One.", tags=["travel", "trains"])
    draft = store.create_draft("Two.")
    window = make_window(**QUIET)
    window.open_draft(draft.id)
    bar = window.tag_bar
    bar.field.setText("food, tr")
    bar.completer.setCompletionPrefix(bar.completer.splitPath(bar.field.text())[0])
    found = sorted(bar.completer.completionModel().index(i, 0).data()
                   for i in range(bar.completer.completionCount()))
    assert found == ["trains", "travel"]
    assert bar.completer.pathFromIndex(bar.completer.completionModel().index(0, 0)).startswith("food, tr")


def test_tags_typed_then_quitting_are_kept_and_focus_mode_hides_the_field(qtbot: QtBot, store: Store,
                                                                          make_window: WindowFactory) -> None:
    draft = store.create_draft("Words.")
    window = make_window(**QUIET)
    window.open_draft(draft.id)
    window.tag_bar.field.setText("unfinished")  # no Enter, no focus change
    window.toggle_focus_mode()
    assert not window.tag_bar.isVisible()
    window.toggle_focus_mode()
    assert window.tag_bar.isVisible()
    window.close()
    assert store.get_draft(draft.id).tags == ("unfinished",)
