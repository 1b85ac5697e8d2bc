"""Models ▸ Train From My Texts…: the child's command, its progress in words, cancel, and the missing-torch case."""

from __future__ import annotations

import sys

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.panels import panels_of
from writer import paths
from writer.ui import training
from writer.ui.models_page import install_models_page


@pytest.fixture
def dialog(qtbot: QtBot, make_window: WindowFactory):  # type: ignore[no-untyped-def]
    window = make_window(suggest__auto=False)
    page = install_models_page(window, panels_of(window).suggestions)()
    qtbot.waitUntil(lambda: page.list.count() >= 1)
    return page.show_training()


def test_the_child_is_this_writer_on_this_data_folder_with_the_allowed_threads(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.settings.set("training.threads", 1)
    cmd = training.command("mine", ["/texts"], "vanilla", 15, 1)
    assert cmd[:3] == [sys.executable, "-m", "writer"] and str(paths.data_dir()) in cmd
    assert cmd[cmd.index("--threads") + 1] == "1" and cmd[-2:] == ["--from", "/texts"] and "--json" in cmd
    assert "--low-priority" in cmd  # typing in the app wins the cores over training


def test_progress_reads_as_words_and_a_bar(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.show_event({"event": "corpus", "files": 4, "words": 98_000})
    assert dialog.status.text() == "4 files, 98,000 words."
    dialog.show_event({"event": "train", "step": 40, "tokens": 80_000, "tokens_per_s": 1450, "train_loss": 3.2,
                       "eval_loss": 3.4, "valid_loss": 3.5, "seconds": 300.0, "seconds_left": 600.0})
    assert (dialog.progress.maximum(), dialog.progress.value()) == (900, 300)
    text = dialog.status.text()
    assert "1,450 tokens/s" in text and "loss 3.20" in text and "unseen texts 3.50" in text and "10.0 min left" in text
    dialog.show_event({"event": "done", "pack": "/x/mine", "evaluation_unseen": {"mine": {"perplexity": 31.0}},
                       "base_unseen": {"base": "vanilla", "perplexity": 44.0}})
    dialog._finished(0, None)
    done = dialog.status.text()
    assert "“mine” is ready" in done and "31.0" in done and "44.0" in done


def test_without_torch_the_window_says_how_to_install_it(qtbot: QtBot, make_window: WindowFactory,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "can_train", lambda: False)
    window = make_window(suggest__auto=False)
    page = install_models_page(window, panels_of(window).suggestions)()
    dialog = page.show_training()
    assert dialog.missing.isVisible() and training.INSTALL_TRAIN in dialog.missing.text()
    assert not dialog.start_button.isEnabled()


def test_an_unfinished_training_is_offered_again(qtbot: QtBot, make_window: WindowFactory) -> None:
    folder = paths.data_dir() / "training" / "halfway"
    folder.mkdir(parents=True)
    (folder / "recipe.toml").write_text('name = "halfway"\n', encoding="utf-8")
    window = make_window(suggest__auto=False)
    page = install_models_page(window, panels_of(window).suggestions)()
    qtbot.waitUntil(lambda: "halfway" in page.heading.text())
    dialog = page.show_training()
    assert dialog.name.text() == "halfway" and "carries on from its last checkpoint" in dialog.status.text()
