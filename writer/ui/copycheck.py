"""Copy flags in the app: wavy underlines on passages found in a training corpus, a tooltip
naming the work, the "Copy check" panel, and badges on suggestions.

Checks run on the window's worker, paragraph by paragraph through the engine's cache, after a
pause in typing; only changed paragraphs cost anything. Results are keyed by paragraph text,
so a result that arrives after more typing is laid over the paragraphs that are still the
same, and the rest wait for the next check. Underlines are QTextCursor selections, so they
move with the text as the user types.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QHelpEvent, QTextBlock, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from writer.copycheck.results import MAX_SHOWN, Badge, CheckResult, Mark, ProgressFn, Superseded, describe
from writer.errors import WriterError
from writer.ui.copycheck_panel import CopyCheckPanel

if TYPE_CHECKING:
    from writer.copycheck import Flag
    from writer.ui.main_window import MainWindow
    from writer.ui.suggestions import SuggestionsPanel

log = logging.getLogger(__name__)

LAYER = "copyflags"
CHANNEL = "copycheck"
PANEL_TITLE = "Copy check"
#: Draft text before a suggestion that its badge check includes (a copy may start there).
BADGE_CONTEXT_CHARS = 1000


@dataclass(frozen=True)
class Colours:
    echo: QColor
    copy: QColor
    copy_fill: QColor
    quote: QColor


def colours(dark: bool) -> Colours:
    """Amber for echoes, red (and a faint fill) for copies, blue for quotations; lighter tones on
    dark backgrounds."""
    if dark:
        return Colours(QColor("#e8b54d"), QColor("#ff6b5e"), QColor(255, 107, 94, 46), QColor("#7fb4ff"))
    return Colours(QColor("#c47f00"), QColor("#d1301f"), QColor(209, 48, 31, 28), QColor("#2f6fd0"))


@dataclass
class Span:
    """A flag shown in the editor; the cursor's selection follows edits to the text."""

    cursor: QTextCursor
    flag: Flag


class CopyCheck(QObject):
    """Wires the engine to the window's editor, its "Copy check" panel and the suggestions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.spans: list[Span] = []
        self.result: CheckResult | None = None
        self.errors = 0
        self._known: dict[str, tuple[Mark, ...]] = {}
        self._edited = False  # the text changed since the running (or last) check began
        self._doc: QTextDocument | None = None
        self._generation = 0
        self._last_key: tuple[Any, ...] | None = None
        self._dark: bool | None = None
        self._badges = 0
        self._hooked: SuggestionsPanel | None = None

        self.panel = CopyCheckPanel()
        self.dock = window.add_side_panel(self.panel, PANEL_TITLE)
        self.panel.jumpRequested.connect(self.jump_to)
        self.panel.recheckRequested.connect(self.recheck)

        self.timer = QTimer(self, singleShot=True, interval=int(window.settings.get("copycheck.delay_ms")))
        self.timer.timeout.connect(self.check_now)
        window.settingsChanged.connect(self._on_setting_changed)
        window.draftOpened.connect(self._on_draft_opened)
        self._viewport = self.editor.viewport()
        self._viewport.installEventFilter(self)
        self.editor.installEventFilter(self)
        if window.current_draft_id is not None:
            self._on_draft_opened(window.current_draft_id)

    def _on_setting_changed(self, key: str) -> None:
        if key == "copycheck.delay_ms":
            self.timer.setInterval(int(self.window.settings.get(key)))
        elif key == "copycheck.scope":
            self.check_now()  # the text is checked again against the other books

    # -- what to check against ---------------------------------------------------------------

    @property
    def scope(self) -> str:
        return str(self.window.settings.get("copycheck.scope"))

    @property
    def model(self) -> str:
        """The suggestions panel's model when it has one, else the default model setting."""
        name = self._hooked.current_model() if self._hooked is not None else None
        if name:
            return name
        return str(self.window.settings.get("suggest.default_model"))

    # -- checking ----------------------------------------------------------------------------

    def _on_draft_opened(self, _draft_id: int) -> None:
        if self._doc is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # already gone
                self._doc.contentsChange.disconnect(self._on_contents_change)
        self._doc = self.editor.document()
        self._doc.contentsChange.connect(self._on_contents_change)
        self.spans = []
        self._known = {}
        self._last_key = None
        self.panel.show_checking()
        self.check_now()

    def _on_contents_change(self, _position: int, removed: int, added: int) -> None:
        if removed or added:  # formatting-only changes (the highlighter) change no words
            self._edited = True
            self.timer.start()

    def recheck(self) -> None:
        """Look for indexes afresh and check the whole draft again (the panel's Recheck)."""
        service = sys.modules.get("writer.copycheck.service")
        if service is not None:
            service.shared_service().forget()
        self._last_key = None
        self.check_now()

    def check_now(self) -> None:
        """Check the open draft (off the GUI thread) unless nothing changed since the last check."""
        self.timer.stop()
        draft_id = self.window.current_draft_id
        if draft_id is None:
            self._generation += 1
            self.window.worker.cancel(CHANNEL)
            self.spans, self._known = [], {}
            self.editor.set_layer(LAYER, [])
            self.panel.show_idle()
            return
        raw = self.editor.document().toRawText()
        key = (draft_id, raw, self.scope, self.model)
        if key == self._last_key:
            return
        self._last_key = key
        self._edited = False
        self._generation += 1
        generation = self._generation
        self.window.worker.submit(
            _check_paragraphs, raw, self.scope, self.model,
            superseded=lambda: self._generation != generation,
            channel=CHANNEL,
            on_result=lambda result: self._on_result(result, draft_id),
            on_error=self._on_error,
            on_progress=lambda value: self.panel.show_progress(*value),
        )

    def show_panel(self) -> None:
        """Bring the "Copy check" tab to the front."""
        self.dock.show()
        self.dock.raise_()

    @property
    def busy(self) -> bool:
        """Whether a check is pending or running (tests and the screenshot script wait on it)."""
        return self.timer.isActive() or self.window.worker.busy(CHANNEL)

    def _on_result(self, result: CheckResult, draft_id: int) -> None:
        self.panel.hide_progress()
        if draft_id != self.window.current_draft_id:
            return
        self.result = result
        self._known = result.marks
        self.panel.set_scope(result.indexes, self.scope)
        self.panel.set_message("; ".join(_sentence(w) for w in result.warnings))
        self.render()

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, Superseded):
            return
        self.errors += 1
        self._last_key = None  # try again after the next edit (the index may be rebuilt by then)
        self.spans, self._known = [], {}
        self.editor.set_layer(LAYER, [])
        if isinstance(exc, WriterError):
            self.panel.show_error(str(exc))
        else:
            log.error("copy check failed", exc_info=exc)
            self.panel.show_error(f"The copy check failed ({type(exc).__name__}: {exc}). "
                                  "Writing and saving are not affected.")

    # -- showing -----------------------------------------------------------------------------

    def render(self) -> None:
        """Underline the known flags (the first MAX_SHOWN) in the paragraphs they were found in."""
        doc = self.editor.document()
        scheme = colours(self.window.palette_.dark)
        self._dark = self.window.palette_.dark
        spans: list[Span] = []
        selections: list[QTextEdit.ExtraSelection] = []
        formats = {"echo": _format(scheme.echo, None), "copy": _format(scheme.copy, scheme.copy_fill),
                   "quote": _format(scheme.quote, None, QTextCharFormat.UnderlineStyle.DotLine)}
        for block, marks in self._flagged_blocks(doc):
            base = block.position()
            for mark in marks:
                cursor = QTextCursor(doc)
                cursor.setPosition(base + mark.start)
                cursor.setPosition(base + mark.end, QTextCursor.MoveMode.KeepAnchor)
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = formats[mark.flag.level]
                selections.append(selection)
                spans.append(Span(cursor, mark.flag))
        self.spans = spans
        self.editor.set_layer(LAYER, selections)
        level = {"echo": scheme.echo, "copy": scheme.copy, "quote": scheme.quote}
        result = self.result
        totals = (result.copies, result.echoes) if result is not None and not self._edited else (None, None)
        self.panel.set_flags([s.flag for s in spans], [level[s.flag.level] for s in spans], *totals)

    def _flagged_blocks(self, doc: QTextDocument) -> Iterator[tuple[QTextBlock, tuple[Mark, ...]]]:
        """Blocks with marks, in order, up to MAX_SHOWN marks: found by number when the text is as
        checked (a pasted book can have 80,000 blocks), else by reading every block."""
        if not self._known:
            return
        shown = 0
        if self.result is not None and not self._edited:
            for number, marks in self.result.located:
                block = doc.findBlockByNumber(number)
                if self._known.get(block.text()) is marks:
                    yield block, marks
            return
        block = doc.begin()
        while block.isValid() and shown < MAX_SHOWN:
            marks = self._known.get(block.text())
            if marks:
                yield block, marks
                shown += len(marks)
            block = block.next()

    def span_at(self, position: int) -> Span | None:
        """The flag under document ``position`` (the longest one if several)."""
        hits = [s for s in self.spans if s.cursor.selectionStart() <= position < s.cursor.selectionEnd()]
        return max(hits, key=lambda s: s.flag.words, default=None)

    def tooltip_at(self, point: QPoint) -> str | None:
        """The tooltip for viewport point ``point``, or None off a flag."""
        cursor = self.editor.cursorForPosition(point)
        position = cursor.position()
        rect = self.editor.cursorRect(cursor)
        if point.x() < rect.x():  # the point is in the right half of the previous character
            position -= 1
        span = self.span_at(position)
        return describe(span.flag) if span is not None else None

    def jump_to(self, row: int, focus: bool = True) -> None:
        """Select flag ``row`` in the editor (Enter also moves the keyboard focus there)."""
        if not 0 <= row < len(self.spans):
            return
        span = self.spans[row]
        if not span.cursor.hasSelection():  # its text was deleted since
            return
        cursor = QTextCursor(span.cursor)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        if focus:
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._viewport and kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text is not None:
                QToolTip.showText(event.globalPos(), text, self._viewport)
                return True
        elif watched is self.editor and kind in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self._recolour)  # after the window has switched its palette
        return False

    def _recolour(self) -> None:
        if self._dark is not None and self._dark != self.window.palette_.dark:
            self.render()

    # -- suggestions -------------------------------------------------------------------------

    def hook_suggestions(self, panel: SuggestionsPanel) -> None:
        """Check suggestions against ``panel``'s model, and badge every finished suggestion of
        ``panel`` that would copy from a corpus.

        Uses the panel's ``suggestionsFinished(request_id, texts)`` signal, its ``batches``
        (for the prompt and each card's model) and ``set_badge(row, text, tooltip, request_id)``.
        """
        if self._hooked is panel:
            return
        self._hooked = panel
        panel.suggestionsFinished.connect(lambda request_id, texts: self._badge_batch(panel, request_id, texts))

    def _badge_batch(self, panel: SuggestionsPanel, request_id: int, texts: list[str]) -> None:
        batch = next((b for b in panel.batches if b.request_id == request_id), None)
        prompt = batch.request.prompt if batch is not None else ""
        tail = prompt[-BADGE_CONTEXT_CHARS:]
        for row, text in enumerate(texts):
            if not text.strip():
                continue
            model = self.model
            if batch is not None and row < len(batch.items) and self.scope == "model":
                model = batch.items[row].model  # compare mode: each card has its own model

            def show(badge: Badge | None, row: int = row) -> None:
                if badge is not None:
                    panel.set_badge(row, badge.html, describe(badge.top), request_id)

            self.badge_suggestion(tail, text, show, model=model)


    def badge_suggestion(self, prompt_tail: str, suggestion: str,
                         on_badge: Callable[[Badge | None], None], *, model: str | None = None) -> int:
        """Check a finished suggestion off the GUI thread; ``on_badge`` gets its badge (or None).

        ``prompt_tail`` is the draft text just before the suggestion (a few dozen words), so a
        copy that starts in the draft and runs on into the suggestion is caught; only spans that
        reach into the suggestion count.
        """
        self._badges += 1
        return self.window.worker.submit(
            _suggestion_badge, prompt_tail, suggestion, self.scope, model or self.model,
            channel=f"copycheck-badge-{self._badges}", on_result=on_badge,
            on_error=lambda exc: log.info("suggestion badge skipped: %s", exc))


def _check_paragraphs(raw: str, scope: str, model: str, *,
                      superseded: Callable[[], bool], progress: ProgressFn | None = None) -> CheckResult:
    """Runs on a worker: splits the document's raw text (Qt's paragraph separators) into paragraphs
    and checks them; the engine (and numpy) is first imported here, not on the GUI thread."""
    from writer.copycheck.service import shared_service

    return shared_service().check_paragraphs(raw.split("\u2029"), scope, model, superseded=superseded,
                                             progress=progress)


def _suggestion_badge(prompt_tail: str, suggestion: str, scope: str, model: str) -> Badge | None:
    from writer.copycheck.service import shared_service

    return shared_service().suggestion_badge(prompt_tail, suggestion, scope, model)


def _format(underline: QColor, fill: QColor | None,
            style: QTextCharFormat.UnderlineStyle = QTextCharFormat.UnderlineStyle.WaveUnderline) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(style)
    fmt.setUnderlineColor(underline)
    if fill is not None:
        fmt.setBackground(fill)
    return fmt


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def install_copycheck(window: MainWindow) -> CopyCheck:
    """Add copy flags to ``window``, and Edit ▸ Mark as Quotation."""
    controller = CopyCheck(window)
    action = window.make_action("Mark as &Quotation", ["Ctrl+Shift+Q"], lambda: mark_quotation(window.editor),
                            tip="Set the selected lines as a quotation: a quote of a book is not a copy")
    action.setObjectName("quoteAction")
    window.menus["edit"].addAction(action)
    return controller


def mark_quotation(editor: QPlainTextEdit) -> None:
    """Set the lines the selection touches as a Markdown blockquote (or back), as one undo step."""
    from writer.copycheck.quotes import toggle_quote

    cursor = editor.textCursor()
    doc = editor.document()
    first = doc.findBlock(cursor.selectionStart())
    last = doc.findBlock(cursor.selectionEnd())
    start, end = first.position(), last.position() + last.length() - 1
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    text = cursor.selection().toPlainText()
    cursor.beginEditBlock()
    cursor.insertText(toggle_quote(text))
    cursor.endEditBlock()
    editor.setTextCursor(cursor)
