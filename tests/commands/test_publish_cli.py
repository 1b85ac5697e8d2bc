"""The publish, outbox, targets and stalled commands, run through writer.cli.main."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from writer.cli import main
from writer.store import Store


def _draft(body: str, *, days_old: int = 0) -> int:
    with Store.open() as store:
        created = datetime.now(UTC) - timedelta(days=days_old)
        return store.create_draft(body, created=created).id


def test_publish_to_the_default_static_site(writer_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft_id = _draft("CLI post\n\nFrom the terminal.")
    assert main(["publish", str(draft_id)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Published to site: file://")
    feed = feedparser.parse((writer_home / "site" / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["CLI post"]
    assert main(["publish", str(draft_id)]) == 0  # again: an update, still one post
    assert len(list((writer_home / "site" / "posts").glob("*.html"))) == 1
    with Store.open() as store:
        assert store.get_draft(draft_id).status == "published"


def test_targets_add_list_remove_static(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "blog"
    assert main(["targets", "add", "static", str(folder), "--name", "mine", "--title", "Mine"]) == 0
    capsys.readouterr()
    assert main(["targets", "list", "--json"]) == 0
    [target] = json.loads(capsys.readouterr().out)
    assert (target["name"], target["kind"], target["default"], target["path"]) == ("mine", "static", True,
                                                                                   str(folder))
    assert main(["publish", str(_draft("To mine\n\ntext"))]) == 0
    assert (folder / "index.html").is_file()
    assert main(["targets", "remove", "mine"]) == 0
    assert main(["targets", "remove", "mine"]) == 2
    assert "No publishing target called 'mine'" in capsys.readouterr().err


def test_wordpress_target_needs_a_password_and_a_url(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("WRITER_WP_PASSWORD", raising=False)
    assert main(["targets", "add", "wordpress", "https://blog.example", "--user", "me", "--no-check"]) == 2
    assert "application password" in capsys.readouterr().err
    assert main(["targets", "add", "wordpress", "blog.example", "--user", "me"]) == 2
    assert "not a web address" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("secret pass\n"))
    assert main(["targets", "add", "wordpress", "https://blog.example", "--user", "me", "--password-stdin",
                 "--no-check"]) == 0
    out = capsys.readouterr().out
    assert "No system keyring is available" in out and "secret pass" not in out
    with Store.open() as store:
        assert b"secret pass" not in store.path.read_bytes()  # never in the database


def test_outbox_shows_failures_and_retry(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WRITER_WP_PASSWORD", "pw")
    # port 9 on localhost: nothing listens, the connection is refused at once
    assert main(["targets", "add", "wordpress", "http://127.0.0.1:9", "--user", "me", "--no-check",
                 "--name", "down"]) == 0
    draft_id = _draft("Waiting\n\ntext")
    assert main(["publish", str(draft_id), "--target", "down"]) == 75  # only queued: a script can tell
    assert "Queued for down (job 1), not sent yet" in capsys.readouterr().out
    assert main(["outbox", "--json"]) == 0
    [job] = json.loads(capsys.readouterr().out)
    assert (job["state"], job["draft_id"], job["attempts"]) == ("failed", draft_id, 1)
    assert "Could not reach" in job["reason"]
    assert main(["outbox", "--retry"]) == 1
    assert "tries 2" in capsys.readouterr().out


def test_stalled_lists_old_unpublished_drafts(capsys: pytest.CaptureFixture[str]) -> None:
    old = _draft("Ancient idea\n\ntext", days_old=20)
    _draft("New idea\n\ntext", days_old=1)
    assert main(["stalled"]) == 0
    out = capsys.readouterr().out
    assert "Ancient idea" in out and "New idea" not in out and f"writer publish {old}" in out
    assert main(["stalled", "--days", "1", "--json"]) == 0
    assert [d["title"] for d in json.loads(capsys.readouterr().out)] == ["Ancient idea", "New idea"]
    assert main(["stalled", "--days", "0"]) == 2


def test_publish_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "42"]) == 2
    assert "No draft with id 42" in capsys.readouterr().err
    draft_id = _draft("Dated\n\ntext")
    assert main(["publish", str(draft_id), "--status", "future", "--date", "tomorrow"]) == 2
    assert "not an ISO 8601 time" in capsys.readouterr().err
    assert main(["publish", str(draft_id), "--status", "future", "--date", "9999-12-31T23:00-05:00"]) == 2
    assert "not an ISO 8601 time in range" in capsys.readouterr().err  # was an OverflowError traceback


def test_a_password_is_never_sent_in_clear_without_consent(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WRITER_WP_PASSWORD", "pw")
    monkeypatch.setenv("WRITER_MICROPUB_TOKEN", "tok")
    assert main(["targets", "add", "wordpress", "http://blog.example", "--user", "me", "--no-check"]) == 2
    assert "not encrypted" in capsys.readouterr().err
    assert main(["targets", "add", "micropub", "http://mp.example", "--endpoint", "http://mp.example/mp",
                 "--no-check"]) == 2
    assert "--allow-http" in capsys.readouterr().err
    assert main(["targets", "add", "wordpress", "http://blog.example", "--user", "me", "--no-check",
                 "--allow-http"]) == 0
    assert main(["targets", "add", "wordpress", "http://localhost:8080", "--user", "me", "--no-check",
                 "--name", "local"]) == 0  # a test site on this machine: nothing crosses the network
    with Store.open() as store:  # a target added before the rule, without consent
        from writer.publishing import outbox as ob

        ob.add_target(store, "old", "wordpress", {"url": "http://old.example", "user": "me"})
    capsys.readouterr()
    assert main(["publish", str(_draft("Old\n\ntext")), "--target", "old"]) == 1
    assert "not encrypted" in capsys.readouterr().err


def test_a_static_site_address_must_be_a_web_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "add", "static", str(tmp_path / "s"), "--base-url", "javascript:alert(1)"]) == 2
    assert "not a web address" in capsys.readouterr().err
    assert main(["targets", "list", "--json"]) == 0 and json.loads(capsys.readouterr().out) == []
    assert main(["targets", "add", "static", str(tmp_path / "s"), "--base-url", "https://me.example/"]) == 0


def test_a_failed_check_does_not_promise_a_retry(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WRITER_WP_PASSWORD", "pw")
    assert main(["targets", "add", "wordpress", "http://127.0.0.1:9", "--user", "me"]) == 2
    err = capsys.readouterr().err
    assert "Could not reach" in err and "retry" not in err and "Nothing was saved" in err


def test_publish_new_address_moves_a_static_post(writer_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft_id = _draft("First Name\n\nBody.")
    assert main(["publish", str(draft_id)]) == 0
    with Store.open() as store:
        store.save_draft(draft_id, body="Second Name\n\nBody.")
    assert main(["publish", str(draft_id)]) == 0
    posts = writer_home / "site" / "posts"
    assert sorted(p.name for p in posts.glob("*.html")) == ["first-name.html"]  # a new title keeps the address
    capsys.readouterr()
    assert main(["publish", str(draft_id), "--new-address"]) == 0
    assert "second-name.html" in capsys.readouterr().out
    assert "url=second-name.html" in (posts / "first-name.html").read_text()
    assert main(["publish", str(draft_id), "--new-address", "chosen"]) == 0
    assert (posts / "chosen.html").exists() and "url=chosen.html" in (posts / "first-name.html").read_text()
    assert main(["publish", "999", "--new-address"]) == 2  # bad input, one line
    assert "writer:" in capsys.readouterr().err
