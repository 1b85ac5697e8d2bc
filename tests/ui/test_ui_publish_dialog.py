"""The target dialog shows only the fields of the chosen kind, and checks them before saving."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtWidgets import QMessageBox

from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.ui.main_window import MainWindow
from writer.ui.publish_targets import TargetDialog


def _dialog(window: MainWindow) -> TargetDialog:
    dialog = TargetDialog(window, Publisher(window.store, window.settings, credentials=Credentials(FailKeyring())))
    dialog.show()
    return dialog


def _shown(dialog: TargetDialog) -> set[str]:
    fields = {"user": dialog.user, "secret": dialog.secret, "title": dialog.site_title, "base_url": dialog.base_url,
              "browse": dialog.browse}
    return {name for name, widget in fields.items() if widget.isVisible()}


def test_each_kind_shows_only_its_fields(window: MainWindow) -> None:
    dialog = _dialog(window)
    assert _shown(dialog) == {"title", "base_url", "browse"}  # a static site: no user, no password
    assert dialog.location_label.text() == "Folder"
    dialog.kind.setCurrentIndex(dialog.kind.findData("wordpress"))
    assert _shown(dialog) == {"user", "secret"}
    assert dialog.location_label.text() == "Site address" and dialog.secret_label.text() == "Application password"
    dialog.kind.setCurrentIndex(dialog.kind.findData("micropub"))
    assert _shown(dialog) == {"secret"} and dialog.secret_label.text() == "Token"
    dialog.kind.setCurrentIndex(dialog.kind.findData("static"))
    assert _shown(dialog) == {"title", "base_url", "browse"}


def test_a_static_site_saves_its_title_and_nothing_hidden(window: MainWindow, tmp_path: Path) -> None:
    dialog = _dialog(window)
    dialog.kind.setCurrentIndex(dialog.kind.findData("wordpress"))
    dialog.user.setText("someone")
    dialog.secret.setText("typed while on WordPress")
    dialog.kind.setCurrentIndex(dialog.kind.findData("static"))
    dialog.location.setText(str(tmp_path / "blog"))
    dialog.site_title.setText("Harbour Notes")
    target = dialog.save()
    assert target.kind == "static" and target.config["title"] == "Harbour Notes"
    assert "user" not in target.config
    assert dialog.publisher.credentials.get(target.name) is None  # the hidden password was not kept


def test_a_folder_that_cannot_be_used_is_refused_in_the_dialog(window: MainWindow, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text)))
    dialog = _dialog(window)
    dialog.location.setText(str(tmp_path / "notes.txt"))
    dialog._accept()
    assert warnings and "is a file" in warnings[0]
    dialog.location.setText(str(tmp_path))  # holds someone else's file
    dialog._accept()
    assert len(warnings) == 2 and "not a Writer site" in warnings[1]
    assert dialog.isVisible() and ob.list_targets(window.store) == []
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_site_address_is_checked_in_the_dialog(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text)))
    dialog = _dialog(window)
    dialog.site_title.setText("Mine")
    dialog.base_url.setText("javascript:alert(1)")
    dialog._accept()
    assert warnings and "not a web address" in warnings[0]
    assert ob.list_targets(window.store) == []
