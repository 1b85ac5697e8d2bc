"""Adding a target: one entry point for the CLI and the app, one naming rule, the same checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from publishing_fakes import WP, FakeWordPress

from writer.cli import main
from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing import targets
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store


def _publisher(store: Store, settings: Settings, server: FakeWordPress | None = None) -> Publisher:
    return Publisher(store, settings, credentials=Credentials(FailKeyring()),
                     transport=server.transport() if server else None)


def test_a_static_target_has_the_same_name_from_the_cli_and_the_app(store: Store, settings: Settings,
                                                                      tmp_path: Path) -> None:
    # the CLI called it "static", the app "site": two targets for one folder
    assert main(["targets", "add", "static", str(tmp_path / "a")]) == 0
    added = targets.add(_publisher(store, settings), "static", str(tmp_path / "b"))
    assert added.target.name == "site"
    assert [t.name for t in ob.list_targets(store)] == ["site"]


def test_a_static_folder_that_cannot_be_written_is_refused(store: Store, settings: Settings,
                                                           tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(WriterError, match="cannot be written"):
        targets.add(_publisher(store, settings), "static", str(blocker / "site"))
    assert ob.list_targets(store) == []


def test_the_app_checks_the_wordpress_login_like_the_cli(store: Store, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, settings, server)
    with pytest.raises(WriterError, match="refused the credentials") as refused:
        targets.add(publisher, "wordpress", WP, user="admin", secret="wrong")
    assert "retry" not in str(refused.value) and ob.list_targets(store) == []
    added = targets.add(publisher, "wordpress", WP + "/", user="admin", secret="app pass")
    assert added.checked == f"Signed in to {WP} as admin." and added.target.config == {"url": WP, "user": "admin"}
    assert publisher.credentials.get("wordpress") == "app pass"


def test_the_target_dialog_saves_through_the_same_checks(store: Store, settings: Settings, qtbot) -> None:  # type: ignore[no-untyped-def]
    from writer.ui.publish_targets import TargetDialog

    server = FakeWordPress()
    dialog = TargetDialog(None, _publisher(store, settings, server))
    dialog.kind.setCurrentIndex(dialog.kind.findData("wordpress"))
    dialog.location.setText(WP)
    dialog.user.setText("admin")
    dialog.secret.setText("wrong")
    with pytest.raises(WriterError, match="refused the credentials"):  # it used to save without asking
        dialog.save()
    assert ob.list_targets(store) == []
    dialog.secret.setText("app pass")
    assert dialog.save().name == "wordpress"


def test_the_dialog_asks_before_an_unencrypted_address(store: Store, settings: Settings, qtbot,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from writer.ui.publish_targets import TargetDialog

    server = FakeWordPress()
    dialog = TargetDialog(None, _publisher(store, settings, server))
    dialog.kind.setCurrentIndex(dialog.kind.findData("wordpress"))
    dialog.location.setText("http://blog.example")
    dialog.user.setText("admin")
    dialog.secret.setText("app pass")
    asked: list[str] = []
    answer = QMessageBox.StandardButton.Cancel
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer)
    dialog._accept()
    assert "in clear" in asked[0] and ob.list_targets(store) == [] and server.requests == []
    answer = QMessageBox.StandardButton.Yes
    dialog._worker = None  # check and save right here
    dialog._accept()
    [target] = ob.list_targets(store)
    assert target.config["allow_http"] is True
