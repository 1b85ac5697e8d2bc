"""The panel's generation state without Qt: typed events from the real job land on the right cards."""

from __future__ import annotations

import threading

from writer.generation import engines
from writer.generation.batches import Batch, Branch, History
from writer.generation.packs import Pack, find
from writer.generation.requests import Column, Done, Event, Failed, Generating, Loading, Request, Step, run_request
from writer.generation.sampler_settings import SamplerSettings
from writer.generation.token_info import Alternative, TokenInfo

PROMPT = "The old harbour was quiet that morning, and the boats"


def request(pack: Pack, n: int = 2, columns: int = 1, kind: str = "suggest") -> Request:
    column = Column(pack, SamplerSettings(max_new_tokens=8))
    return Request(kind, PROMPT, (column,) * columns, n, seed=7)


def test_the_real_job_streams_typed_events_that_rebuild_its_texts() -> None:
    pack = find("vanilla")
    batch = Batch.start(1, request(pack))
    events: list[Event] = []
    finished = run_request(batch.request, threading.Event(), engines().get, events.append)
    assert finished
    kinds = [type(e) for e in events]
    assert kinds[0] in (Loading, Generating) and Step in kinds and kinds[-1] is Done
    updates = [batch.apply(batch.request_id, e) for e in events]
    done = events[-1]
    assert isinstance(done, Done) and len(done.texts) == 2
    assert [item.text for item in batch.items] == list(done.texts)
    assert all(item.state == "done" for item in batch.items) and batch.done
    assert [item.score for item in batch.items] == list(done.scores)
    first_step = kinds.index(Step)  # the first text is painted at once; later steps wait for the repaint tick
    assert updates[first_step].urgent and not all(u.urgent for u in updates[first_step + 1:-1])


def test_a_failing_column_marks_only_its_own_cards() -> None:
    pack = find("vanilla")
    batch = Batch.start(3, request(pack, n=1, columns=3, kind="compare"))
    batch.apply(3, Generating(0))
    batch.apply(3, Step(0, 0, (" boats",)))
    update = batch.apply(3, Failed(1, "Model pack 'x' failed: garbled"))
    assert update.rows == range(1, 2) and update.urgent
    assert [item.state for item in batch.items] == ["generating", "error", "waiting"]
    assert batch.items[1].error == "Model pack 'x' failed: garbled" and batch.items[0].text == " boats"
    assert not batch.done


def test_a_branch_rewrites_one_card_from_a_token_and_keeps_the_tokens_before_it() -> None:
    pack = find("vanilla")
    batch = Batch.start(5, request(pack, n=2))
    words = [TokenInfo(" came", 0, 0.4, (Alternative(" came", 0.4), Alternative(" sailed", 0.2))),
             TokenInfo(" in", 5, 0.7, (Alternative(" in", 0.7), Alternative(" home", 0.1))),
             TokenInfo(" slowly", 8, 0.05, (Alternative(" early", 0.3), Alternative(" slowly", 0.05)))]
    batch.apply(5, Done(0, (" came in slowly", " rocked"), (-1.5, -2.0), (tuple(words), ())))
    assert batch.items[0].tokens == tuple(words) and batch.items[1].tokens == ()

    prefix = batch.branch(9, 0, 1, Alternative(" home", 0.1))
    assert prefix == " came home" and batch.owns(9) and batch.items[0].state == "generating"
    assert batch.rows_for(9, 0) == range(0, 1)
    batch.apply(9, Step(0, 0, (" at",)))
    assert batch.items[0].text == " came home at" and batch.items[1].text == " rocked"
    rest = (TokenInfo(" dusk", 0, 0.5, (Alternative(" dusk", 0.5),)),)
    batch.apply(9, Done(0, (" dusk",), (-0.7,), (rest,)))
    item = batch.items[0]
    assert item.text == " came home dusk" and item.state == "done" and item.score is None
    assert [t.text for t in item.tokens] == [" came", " home", " dusk"]
    assert item.tokens[1] == TokenInfo(" home", 5, 0.1, words[1].alternatives)  # the alternative's own odds
    assert item.tokens[2].start == len(" came home")  # offsets in the card's whole text
    assert "".join(t.text for t in item.tokens) == item.text


def test_a_rewrite_that_never_finishes_gives_the_card_its_text_back() -> None:
    pack = find("vanilla")
    batch = Batch.start(5, request(pack, n=2))
    words = (TokenInfo(" a", 0, 0.4, (Alternative(" a", 0.4), Alternative(" the", 0.3))),
             TokenInfo(" dark", 2, 0.2, (Alternative(" dark", 0.2), Alternative(" cold", 0.1))),
             TokenInfo(" night", 7, 0.3, (Alternative(" night", 0.3),)))
    batch.apply(5, Done(0, (" a dark night", " rocked"), (-1.5, -2.0), (words, ())))
    batch.branch(9, 0, 1, Alternative(" cold", 0.1))
    batch.apply(9, Step(0, 0, (" wi",)))
    assert batch.items[0].text == " a cold wi"  # a reroll stops it here
    assert batch.abandon(9) == 0 and not batch.owns(9)
    item = batch.items[0]
    assert (item.text, item.state, item.tokens, item.score) == (" a dark night", "done", words, -1.5)
    assert batch.done and batch.abandon(9) is None


def test_the_history_keeps_badges_with_their_batch_and_a_copy_survives_a_fresh_batch() -> None:
    """Paging back shows a batch's copy badges again; the copy an accept keeps (for its undo) is
    untouched by the batches and badges that come after it."""
    pack = find("vanilla")
    history = History()
    assert history.current() is None
    first, branched = Batch.start(1, request(pack)), Batch.start(2, request(pack))
    history.add(first, keep=False)
    history.add(branched, keep=True)
    history.shown = 0
    history.badges[(1, 0)] = ("copied 92%", "Moby-Dick")
    branched.branches[7] = Branch(0, "", (), branched.items[0])  # a card of the second batch being rewritten
    assert history.current() is first and history.owner(7) is branched and history.owner(8) is None
    assert history.badge(1, 0) == ("copied 92%", "Moby-Dick") and history.badge(2, 0) == ("", "")

    kept = history.copy()
    history.add(Batch.start(3, request(pack)), keep=False)  # a fresh batch: the earlier ones and badges go
    assert [b.request_id for b in history.batches] == [3] and history.badges == {}
    assert [b.request_id for b in kept.batches] == [1, 2] and kept.shown == 0
    assert kept.badge(1, 0)[0] == "copied 92%"
