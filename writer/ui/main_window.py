"""The drafts desk: drafts list, editor, side panels, search and focus mode.

A thin layer over :class:`writer.store.Store`: every edit lives in a per-draft
QTextDocument (so undo history is per draft) and reaches the database through
the debounced autosave in :class:`~writer.ui.autosave.Autosave`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextDocumentLayout,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.settings import Settings
from writer.store import Draft, Store
from writer.ui import icons, theme
from writer.ui.autosave import Autosave
from writer.ui.blank_drafts import BlankDrafts
from writer.ui.draft_search import DraftSearch
from writer.ui.drafts_list import SORTS, DraftDelegate, DraftRole, DraftsModel, DraftsView
from writer.ui.editor import Editor
from writer.ui.focus_mode import FocusMode
from writer.ui.global_keys import GlobalKeys
from writer.ui.highlighter import MarkdownHighlighter
from writer.ui.import_export import ImportExport, slug
from writer.ui.session import Session
from writer.ui.status_line import StatusLine
from writer.ui.tags import TagBar
from writer.ui.window_layout import layout_settings, restore_docks, restore_layout, save_layout
from writer.ui.workers import Worker

if TYPE_CHECKING:
    from writer.ui.about import AboutDialog
    from writer.ui.shortcuts import ShortcutsDialog



def shortcut_text(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


class MainWindow(QMainWindow):
    """The main window. Later features plug in via :attr:`toolbar`, :meth:`add_side_panel`,
    :attr:`editor`, :attr:`worker` and the :attr:`draftOpened` / :attr:`draftEdited` /
    :attr:`draftSaved` signals."""

    draftOpened = Signal(int)
    draftEdited = Signal(int)  # the text changed (typing, paste, undo), not just its colours
    draftSaved = Signal(int)
    draftDeleted = Signal(int)
    focusModeChanged = Signal(bool)
    themeChanged = Signal(object)  # the new theme.Palette, for colours a style sheet cannot take from Qt
    #: A setting's key, after its value changed (from Preferences or a feature): features follow their own
    #: settings through it. Queued to the GUI thread when the change was made on a worker.
    settingsChanged = Signal(str)

    def __init__(self, store: Store, settings: Settings, *, read_only_note: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.settingsChanged.connect(self._on_setting_changed)
        unsubscribe = settings.subscribe(self.settingsChanged.emit)
        self.destroyed.connect(lambda *_: unsubscribe())
        self.read_only_note = read_only_note
        self.worker = Worker(self)
        self.current_draft_id: int | None = None
        self.palette_ = theme.LIGHT
        self._docs: dict[int, QTextDocument] = {}
        self._highlighters: dict[int, MarkdownHighlighter] = {}
        self._cursor_pos: dict[int, int] = {}
        self._side_docks: list[QDockWidget] = []
        self._doc_ids: dict[int, int] = {}  # id(document) → its draft's id

        self.setWindowTitle("Writer")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.autosave = Autosave(self, store, delay_ms=settings.get("autosave.delay_ms"), worker=self.worker)
        self.autosave.saved.connect(self._on_saved)
        self.autosave.failed.connect(self._on_save_failed)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_central()
        self._build_statusbar()

        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.model.refresh_times)
        self._clock.start()

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.applicationStateChanged.connect(self._on_app_state)
        app.aboutToQuit.connect(self.autosave.flush)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda *_: self.apply_theme())

        self.global_keys = GlobalKeys(self, [self.new_action, self.search_action])
        self.search = DraftSearch(self)
        self._focus = FocusMode(self)
        self.import_export = ImportExport(self)
        for widget in (self.editor.viewport(), self.list.viewport(), self.empty):
            widget.installEventFilter(self.import_export)  # dropped files import, not paste their paths

        self.session = Session(self, layout_settings())
        self.apply_theme()
        self.apply_editor_settings()
        self.reload_list()
        restore_layout(self)
        if self.session.restore_draft():  # back where the writer was, even after a crash
            self.blank_drafts.adopt_if_blank(self.current_draft_id)
        elif self.model.rowCount():
            self.open_draft(self.model.draft_at(0).id)
        else:
            self.show_empty()
        QTimer.singleShot(0, self, self.session.restore_view)  # once on screen: focus mode, scroll
        if read_only_note:
            self.editor.setReadOnly(True)
            self.status_line.state.setText("Read-only")
            self.statusBar().showMessage(read_only_note)

    def restore_panel_layout(self) -> None:
        """Once the side panels are in (:func:`writer.ui.features.install_panels`, after the window is
        on screen and editable): give their docks their saved places back, and tell them which
        draft is open."""
        restore_docks(self)
        if self.current_draft_id is not None:
            self.draftOpened.emit(self.current_draft_id)  # the new panels learn which draft is open

    # -- construction ------------------------------------------------------------------------

    def make_action(self, text: str, shortcuts: Iterable[QKeySequence | QKeySequence.StandardKey | str],
                    slot: Callable[..., object], *, icon: str | None = None, tip: str | None = None,
                    app_wide: bool = False, checkable: bool = False) -> QAction:
        """An action of this window (its keys work with the menus and toolbar hidden), with the
        shortcut in its tooltip; features add theirs to the menus with it too."""
        action = QAction(text, self)
        keys = [QKeySequence(k) for k in shortcuts]
        action.setShortcuts(keys)
        if app_wide:
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.setCheckable(checkable)
        if icon:
            action.setData(icon)
        label = tip or text.replace("&", "").rstrip("…")
        if keys:
            label += f" ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(label)
        action.setStatusTip(label)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even with menus and toolbar hidden
        return action

    def _build_actions(self) -> None:
        # New and Search answer from every window, dialog and menu: see writer.ui.global_keys.
        self.new_action = self.make_action("&New Draft", ["Ctrl+N"], self.new_draft, icon="new", tip="New draft")
        self.search_action = self.make_action("&Search Drafts…", ["Ctrl+K", "Ctrl+F"], self.start_search,
                                          icon="search", tip="Search drafts")
        self.focus_action = self.make_action("&Focus Mode", ["F11"], self.toggle_focus_mode, icon="focus",
                                         app_wide=True, checkable=True, tip="Focus mode")
        self.import_action = self.make_action("&Import Markdown…", ["Ctrl+O"], self.import_dialog, icon="import",
                                          tip="Import Markdown or text files")
        self.export_action = self.make_action("&Export Markdown…", ["Ctrl+Shift+E"], self.export_dialog,
                                          icon="export", tip="Export this draft as Markdown")
        self.delete_action = self.make_action("&Delete Draft…", ["Ctrl+Shift+Backspace"], self.delete_current,
                                          icon="delete", tip="Delete this draft")
        self.quit_action = self.make_action("&Quit", ["Ctrl+Q"], self.close)
        self.next_action = self.make_action("Next Draft", ["Ctrl+PgDown"], lambda: self._step(1))
        self.prev_action = self.make_action("Previous Draft", ["Ctrl+PgUp"], lambda: self._step(-1))
        self.list_action = self.make_action("Go to Drafts List", ["Ctrl+1"], self._focus_list)
        self.editor_action = self.make_action("Go to Editor", ["Ctrl+2"], self.focus_editor)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main toolbar", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        bar.toggleViewAction().setEnabled(False)  # the toolbar never hides
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.new_action)
        self.search_field = QLineEdit(bar)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(f"Search drafts  ({shortcut_text(self.search_action)})")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setToolTip(self.search_action.toolTip())
        bar.addWidget(self.search_field)
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.focus_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def createPopupMenu(self) -> None:  # Qt override: no "hide toolbar" menu
        return None

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file = menu.addMenu("&File")
        file.addActions([self.new_action, self.import_action, self.export_action])
        file.addSeparator()
        file.addAction(self.delete_action)
        file.addSeparator()
        file.addAction(self.quit_action)
        edit = menu.addMenu("&Edit")
        self.undo_action = self.make_action("&Undo", [QKeySequence.StandardKey.Undo], lambda: self.editor.undo())
        self.redo_action = self.make_action("&Redo", [QKeySequence.StandardKey.Redo], lambda: self.editor.redo())
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the editor handles the keys
        edit.addActions([self.undo_action, self.redo_action])
        self.paste_unchanged_action = self.make_action(
            "Paste &Unchanged", ["Ctrl+Shift+V"], lambda: self.editor.paste_unchanged(),
            tip="Paste without breaking very long lines into sentences")
        self.paste_unchanged_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the editor's key
        edit.addAction(self.paste_unchanged_action)
        edit.addSeparator()
        edit.addAction(self.search_action)
        view = menu.addMenu("&View")
        view.addActions([self.focus_action, self.list_action, self.editor_action, self.prev_action,
                         self.next_action])
        self.view_menu = view
        help_menu = menu.addMenu("&Help")
        self.shortcuts_action = self.make_action("&Keyboard Shortcuts", ["F1"], self.show_shortcuts, app_wide=True)
        self.about_action = self.make_action("&About Writer", [], self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addActions([self.shortcuts_action, self.about_action])
        self.menus = {"file": file, "edit": edit, "view": view, "help": help_menu}

    def show_shortcuts(self) -> ShortcutsDialog:
        """F1: a fresh sheet each time (features may have added actions since)."""
        from writer.ui.shortcuts import show_shortcuts  # on first use: not needed to start writing

        return show_shortcuts(self)

    def show_about(self) -> AboutDialog:
        """Help ▸ About Writer; the packs fill in when the worker has listed them."""
        from writer.ui.about import show_about  # on first use: not needed to start writing

        return show_about(self)

    def _build_central(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)

        pane = QWidget(self.splitter)
        pane.setObjectName("draftsPane")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.setSpacing(4)
        header = QHBoxLayout()
        title = QLabel("Drafts", pane)
        title.setObjectName("paneTitle")
        header.addWidget(title)
        header.addStretch(1)
        self.sort_box = QComboBox(pane)
        self.sort_box.setToolTip("Sort drafts")
        for key, (label, _, _) in SORTS.items():
            self.sort_box.addItem(label, key)
        self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(self.settings.get("drafts.sort"))))
        self.sort_box.currentIndexChanged.connect(self._on_sort_changed)
        header.addWidget(self.sort_box)
        layout.addLayout(header)
        self.model = DraftsModel(self)
        self.model.sort_key = self.settings.get("drafts.sort")
        self.list = DraftsView(pane)
        self.delegate = DraftDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setModel(self.model)
        self.list.selectionModel().currentChanged.connect(self._on_list_current)
        layout.addWidget(self.list, 1)
        self.drafts_pane = pane

        self.stack = QStackedWidget(self.splitter)
        self.page = QWidget(self.stack)  # the open draft: its tags above its text
        self.page.setObjectName("draftPage")
        page_layout = QVBoxLayout(self.page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        self.tag_bar = TagBar(self.page, self)
        self.editor = Editor(self.page)
        page_layout.addWidget(self.tag_bar)
        page_layout.addWidget(self.editor, 1)
        self.empty = self._build_empty_state()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.page)
        self.splitter.addWidget(pane)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 900])
        self.setCentralWidget(self.splitter)
        self.editor.escapePressed.connect(self._on_editor_escape)
        self.editor.longLinesBroken.connect(self._on_long_lines)
        self.editor.addAction(self.paste_unchanged_action)
        self.editor.updateRequest.connect(lambda *_: self._colour_visible())  # scrolled, resized, edited

    def _build_empty_state(self) -> QWidget:
        page = QWidget(self.stack)
        page.setObjectName("emptyState")
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        heading = QLabel("Nothing open yet", page)
        heading.setObjectName("emptyTitle")
        hint = QLabel(f"Start a new draft with {shortcut_text(self.new_action)}, or drop a Markdown or "
                      f"text file here to import it.", page)
        hint.setObjectName("emptyHint")
        hint.setWordWrap(True)
        button = QPushButton(f"New draft  ({shortcut_text(self.new_action)})", page)
        button.setObjectName("primaryButton")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(self.new_draft)
        for widget in (heading, hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        row.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(3)
        self.empty_title, self.empty_hint = heading, hint
        return page

    def _build_statusbar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.blank_drafts = BlankDrafts(self)  # its Undo button first, beside the message it undoes
        self.status_line = StatusLine(self)

    # -- public API for features -------------------------------------------------------------

    def add_side_panel(self, widget: QWidget, title: str) -> QDockWidget:
        """Dock ``widget`` on the right (suggestions, copy flags, publishing…)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"panel-{slug(title)}")
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        if self._side_docks:
            self.tabifyDockWidget(self._side_docks[-1], dock)
        else:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._side_docks.append(dock)
        self.session.watch_dock(dock)
        toggle = dock.toggleViewAction()
        self.view_menu.addAction(toggle)
        if self.focus_mode:
            dock.hide()
        else:
            dock.show()
        return dock

    def side_docks(self) -> list[QDockWidget]:
        """The side panels' docks, in the order they were added."""
        return list(self._side_docks)

    def use_delegate(self, delegate: DraftDelegate) -> None:
        """Draw the drafts list with ``delegate`` (nudges mark stalled drafts), in the current theme."""
        delegate.palette = self.palette_
        self.list.setItemDelegate(delegate)
        self.delegate = delegate

    def document(self, draft_id: int) -> QTextDocument | None:
        """The open document of ``draft_id`` (None if it was never opened this session)."""
        return self._docs.get(draft_id)

    def detach_document(self, draft_id: int) -> tuple[QTextDocument, MarkdownHighlighter]:
        """Forget ``draft_id``'s document (its draft was deleted) and hand it over, undo history and all."""
        self._cursor_pos.pop(draft_id, None)
        self.autosave.forget(draft_id)
        return self._docs.pop(draft_id), self._highlighters.pop(draft_id)

    def attach_document(self, draft_id: int, doc: QTextDocument, highlighter: MarkdownHighlighter) -> None:
        """Give ``draft_id`` a document detached earlier (an empty draft brought back by Undo)."""
        self._docs[draft_id] = doc
        self._doc_ids[id(doc)] = draft_id
        self._highlighters[draft_id] = highlighter
        self.autosave.track(draft_id, doc, "")

    # -- drafts ------------------------------------------------------------------------------

    def reload_list(self) -> None:
        """Re-read all drafts from the store (leaves any search)."""
        try:
            drafts = self.store.list_drafts()
        except WriterError as exc:
            self.statusBar().showMessage(str(exc))
            drafts = []
        self.model.set_drafts(drafts)
        self.list.empty_text = ("No drafts yet.\n\nPress "
                                f"{shortcut_text(self.new_action)} to start one, or drop .md / .txt "
                                "files here to import them.")
        self.select_in_list(self.current_draft_id)

    def new_draft(self) -> int | None:
        """Put the cursor in an empty draft and return its id: the open one if it is still
        empty and new, else a new one. An empty draft is discarded when left (see
        :class:`~writer.ui.blank_drafts.BlankDrafts`), so pressing New again and again leaves nothing behind."""
        self.raise_()
        self.activateWindow()
        if self.refuse_if_read_only():
            return None
        if self.search.active:
            self.search.end()
        if self.current_draft_id is not None and self.blank_drafts.is_blank(self.current_draft_id):
            self.open_draft(self.current_draft_id)
            return self.current_draft_id
        try:
            draft = self.store.create_draft("")
        except WriterError as exc:
            self.show_error("Could not create a draft", str(exc))
            return None
        self.blank_drafts.add(draft.id)
        self.model.update_draft(draft)
        self.open_draft(draft.id)
        self.statusBar().showMessage("New draft", 2000)
        return draft.id

    def open_draft(self, draft_id: int, *, focus: bool = True, cursor: int | None = None) -> None:
        """Show ``draft_id`` in the editor, saving the one being left."""
        if draft_id == self.current_draft_id and self.stack.currentWidget() is self.page:
            if cursor is not None:
                self._set_cursor(cursor)
            if focus:
                self.editor.setFocus()
            return
        self._leave_current()
        doc = self._docs.get(draft_id)
        if doc is None:
            try:
                draft = self.store.get_draft(draft_id)
            except WriterError as exc:
                self.show_error("Could not open the draft", str(exc))
                return
            doc = self._make_document(draft)
        self.current_draft_id = draft_id
        self.editor.clear_layers()  # marks belong to the old document; features redraw on draftOpened
        self.editor.setDocument(doc)
        self.editor.setReadOnly(self.store.read_only)
        self.stack.setCurrentWidget(self.page)
        self.tag_bar.load(draft_id)
        self._set_cursor(cursor if cursor is not None else self._cursor_pos.get(draft_id, 0))
        self.select_in_list(draft_id)
        self.status_line.update_counts()
        self._update_title()
        if not self.store.read_only:
            self.status_line.state.setText("Editing…" if self.autosave.is_dirty(draft_id) else "Saved")
        if focus:
            self.editor.setFocus()
        self.draftOpened.emit(draft_id)

    def _make_document(self, draft: Draft) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
        doc.setDefaultFont(self.editor.font())
        option = doc.defaultTextOption()
        option.setWrapMode(self.editor.wordWrapMode())  # the wrap mode lives in the document
        doc.setDefaultTextOption(option)
        self._highlighters[draft.id] = MarkdownHighlighter(doc, self.palette_)  # first: it sees a long body arrive
        doc.setUndoRedoEnabled(False)
        doc.setPlainText(draft.body)
        doc.setUndoRedoEnabled(True)
        doc.setModified(False)
        self._docs[draft.id] = doc
        self._doc_ids[id(doc)] = draft.id
        self.autosave.track(draft.id, doc, draft.body)
        # contentsChange, not contentsChanged: re-colouring lines (highlighter) is no edit. The id is
        # looked up at each edit: a discarded draft brought back by Undo (BlankDrafts) gets a new one.
        key = id(doc)
        doc.contentsChange.connect(
            lambda _at, removed, added: (removed or added) and self._on_edited(self._doc_ids[key]))
        return doc

    def _leave_current(self) -> None:
        left = self.current_draft_id
        if left is not None and left in self._docs:
            self._cursor_pos[left] = self.editor.textCursor().position()
            self.autosave.save(left)
            if left in self.blank_drafts:  # after the switch (the list may be mid-click now)
                QTimer.singleShot(0, self, lambda: self.blank_drafts.discard_if_empty(left))

    def _set_cursor(self, position: int) -> None:
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, self.editor.document().characterCount() - 1))
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()

    def delete_current(self) -> None:
        draft_id = self.current_draft_id
        if draft_id is None or self.refuse_if_read_only():
            return
        self.autosave.flush()  # the title is the open draft's, as saved now (not a list row's: a search hides rows)
        try:
            title = self.store.get_draft(draft_id).title or "Untitled"
        except WriterError:
            title = "this draft"
        answer = QMessageBox.question(self, "Delete draft",
                                      f"Delete “{title}” and its revisions? This cannot be undone.",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.delete_draft(draft_id)
        except WriterError as exc:
            self.show_error("Could not delete the draft", str(exc))
            return
        self.autosave.forget(draft_id)
        self.current_draft_id = None
        blank = QTextDocument(self.editor)  # the layout first: Qt refuses a plain QTextDocument
        blank.setDocumentLayout(QPlainTextDocumentLayout(blank))
        self.editor.setDocument(blank)
        doc = self._docs.pop(draft_id, None)
        self._highlighters.pop(draft_id, None)
        if doc is not None:
            doc.deleteLater()
        self.model.remove_draft(draft_id)
        self.draftDeleted.emit(draft_id)
        if self.model.rowCount():
            self.open_draft(self.model.draft_at(0).id)
        else:
            self.show_empty()

    def show_empty(self) -> None:
        self.current_draft_id = None
        self.stack.setCurrentWidget(self.empty)
        self.status_line.clear_counts()
        self._update_title()

    def _step(self, delta: int) -> None:
        if not self.model.rowCount():
            return
        row = self.model.row_of(self.current_draft_id) if self.current_draft_id is not None else None
        row = 0 if row is None else (row + delta) % self.model.rowCount()
        self.open_draft(self.model.draft_at(row).id)

    def select_in_list(self, draft_id: int | None) -> None:
        selection = self.list.selectionModel()
        row = self.model.row_of(draft_id) if draft_id is not None else None
        blocked = selection.blockSignals(True)
        try:
            if row is None:
                selection.clear()
            else:
                index = self.model.index(row)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.list.scrollTo(index)
        finally:
            selection.blockSignals(blocked)
        self.list.viewport().update()

    def _on_list_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        draft = current.data(DraftRole)
        if isinstance(draft, Draft):
            self.open_draft(draft.id, focus=False)

    def _on_sort_changed(self) -> None:
        key = self.sort_box.currentData()
        self.model.set_sort(key)
        self.select_in_list(self.current_draft_id)
        self.settings.set("drafts.sort", key)
        self._save_settings()

    def _focus_list(self) -> None:
        self.list.setFocus()

    def focus_editor(self) -> None:
        if self.stack.currentWidget() is self.page:
            self.editor.setFocus()

    # -- editing and saving ------------------------------------------------------------------

    def _on_edited(self, draft_id: int) -> None:
        self.autosave.changed(draft_id)
        if draft_id == self.current_draft_id:
            self.status_line.edited(self.autosave.is_dirty(draft_id))
        self.draftEdited.emit(draft_id)

    def _on_saved(self, draft: Draft) -> None:
        self.model.update_draft(draft)
        if draft.id == self.current_draft_id:
            self.status_line.saved(draft.word_count)
            self._update_title()
        self.draftSaved.emit(draft.id)

    def _on_save_failed(self, draft_id: int, message: str) -> None:
        self.status_line.state.setText("Not saved")
        self.statusBar().showMessage(f"Could not save: {message} Your text is kept; Writer will retry.")

    def _on_long_lines(self, broken: int, kept: int) -> None:
        if broken:
            what, it = ("a very long line", "it") if broken == 1 else (f"{broken:,} very long lines", "them")
            keys = shortcut_text(self.paste_unchanged_action)
            self.statusBar().showMessage(f"Pasted {what} one sentence per line to keep typing fast (published the "
                                         f"same). To keep {it} whole: Undo, then {keys}.", 20_000)
        else:
            self.statusBar().showMessage(
                f"Pasted {'a line' if kept == 1 else f'{kept:,} lines'} of over 10,000 characters that cannot be "
                "broken without changing them (code, a heading, a table, no spaces): typing there may be slow.",
                20_000)

    def _colour_visible(self) -> None:
        """Colour the lines on screen that a big paste or a long draft left plain (see highlighter)."""
        highlighter = self._highlighters.get(self.current_draft_id) if self.current_draft_id is not None else None
        if highlighter is not None and highlighter.waiting:  # runs at every repaint request: cheap when not
            highlighter.colour(self.editor.visible_blocks())

    def _update_title(self) -> None:
        draft_id = self.current_draft_id
        row = self.model.row_of(draft_id) if draft_id is not None else None
        name = self.model.draft_at(row).title if row is not None else None
        suffix = " (read-only)" if self.store.read_only else ""
        self.setWindowTitle(f"{name} — Writer{suffix}" if name else f"Writer{suffix}")

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.autosave.flush()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            self.autosave.flush()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.tag_bar.save()  # tags typed and not yet confirmed are kept too
        self.autosave.flush()
        if self.current_draft_id is not None and self.blank_drafts.is_blank(self.current_draft_id, with_history=False):
            left, self.current_draft_id = self.current_draft_id, None
            self.blank_drafts.discard_if_empty(left, with_history=False)  # quitting leaves no empty draft behind either
        self.session.stop()  # as it is now, focus mode included, before focus mode is left to close
        if self.focus_mode:
            self.toggle_focus_mode()  # the layout from before focus mode is the one the session kept
        else:
            save_layout(self)
        self._save_settings()
        super().closeEvent(event)

    # -- search (writer.ui.draft_search) and focus mode (writer.ui.focus_mode) -----------------

    @property
    def searching(self) -> bool:
        return self.search.active

    def start_search(self) -> None:
        """Ctrl+K: focus the search field, remembering where to come back to on Esc."""
        self.search.start()

    def cancel_search(self) -> None:
        """Esc: leave the search and go back to the draft and cursor position from before."""
        self.search.cancel()

    def _on_editor_escape(self) -> None:
        if self.focus_mode:
            self.toggle_focus_mode()
        elif self.searching:
            self.cancel_search()

    @property
    def focus_mode(self) -> bool:
        return self._focus.on

    def toggle_focus_mode(self) -> None:
        """F11: only the text (and the slim toolbar), full screen, typewriter scrolling."""
        self._focus.toggle()

    # -- import / export (writer.ui.import_export) ----------------------------------------------

    def import_dialog(self) -> None:
        self.import_export.import_dialog()

    def import_files(self, files: Iterable[Path]) -> None:
        """Import each file as a new draft off the GUI thread; errors name the file."""
        self.import_export.import_files(files)

    def export_dialog(self) -> None:
        self.import_export.export_dialog()

    def export_to(self, draft_id: int, target: Path) -> None:
        """Write ``draft_id`` to ``target`` with front matter (off the GUI thread)."""
        self.import_export.export_to(draft_id, target)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.import_export.take_drop(event, drop=False):
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not self.import_export.take_drop(event, drop=True):
            super().dropEvent(event)

    # -- look and layout ---------------------------------------------------------------------

    def apply_theme(self) -> None:
        """Light/dark per the ``theme`` setting (``system`` follows the desktop, live)."""
        palette = theme.palette_for(self.settings.get("theme"))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, palette)
        self.palette_ = palette
        self.delegate.palette = palette
        self.list.palette_ = palette
        for highlighter in self._highlighters.values():
            highlighter.set_palette(palette)
        self._colour_visible()
        for action in (self.new_action, self.search_action, self.focus_action, self.import_action,
                       self.export_action, self.delete_action):
            action.setIcon(icons.icon(str(action.data()), palette.text))
        self.list.viewport().update()
        self.themeChanged.emit(palette)

    def _on_setting_changed(self, key: str) -> None:
        if key == "theme":
            self.apply_theme()
        elif key.startswith(("editor.", "autosave.")):
            self.apply_editor_settings()
        elif key == "drafts.sort" and self.sort_box.currentData() != self.settings.get(key):
            self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(self.settings.get(key))))

    def apply_editor_settings(self) -> None:
        self.editor.set_font(self.settings.get("editor.font_family"), self.settings.get("editor.font_size"))
        for doc in self._docs.values():  # drafts opened earlier this session follow too
            doc.setDefaultFont(self.editor.font())
        self.editor.set_max_width(self.settings.get("editor.max_width"))
        self.autosave.delay_ms = self.settings.get("autosave.delay_ms")

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save settings: {exc}", 5000)

    # -- helpers -----------------------------------------------------------------------------

    def refuse_if_read_only(self) -> bool:
        if self.store.read_only:
            self.statusBar().showMessage(self.read_only_note or "Drafts are open read-only.", 5000)
            return True
        return False

    def show_error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.last_error = box

