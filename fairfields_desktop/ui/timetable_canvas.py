"""The timetable canvas: columns (spaces or days) against the times of the school day, painted in one widget.

It draws a ``Timetable`` from the bookings service and decides nothing: a column the service marks as not
a school day, or a space it marks out of use, is hatched with the reason in words, and a request to book
there is refused with that reason. Layout is worked out once per ``set_timetable`` (and per resize), not
per paint, and no widget is made per block, so a day of 40 spaces paints quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QScrollArea, QToolTip, QWidget

from ..domain.words import space_kind_words
from ..domain.checks import day_text
from ..domain.professionals import KIND_LABELS
from .models.professionals import KIND_COLOURS

#: text and stripe colour of each kind (the school's own use added); each pale fill keeps AA contrast
BLOCK_COLOURS = {**KIND_COLOURS, "school": "#8a4b08"}
BLOCK_FILLS = {"statutory": "#e3eef7", "commissioned": "#e4f1e4", "independent": "#f1e7f7", "school": "#fbeedb"}
BLOCK_KIND_WORDS = {**KIND_LABELS, "school": "School's own use"}
CANCELLED_FILL = "#f3f3f3"
CANCELLED_TEXT = "#555555"
TEXT = "#1a1a1a"
CLOSED_FILL = "#ececec"
CLOSED_HATCH = "#c4c4c4"
HEADER_FILL = "#f4f6f8"
TODAY_FILL = "#fff4d6"
REASON_TEXT = "#8a1c1c"
SELECTED = "#111111"
FOCUS = "#1a5fb4"

GUTTER = 58  # the hour labels
HEADER = 50  # the column titles
MIN_COLUMN = 150
MIN_PIXELS_PER_MINUTE = 1.25
SNAP_MINUTES = 5
DEFAULT_MINUTES = 45


def kind_words(kind: str) -> str:
    return BLOCK_KIND_WORDS.get(kind, kind.capitalize())


def block_summary(block) -> str:  # noqa: ANN001
    """A block in words, as a screen reader or a tooltip gives it."""
    status = "cancelled" if block.status == "cancelled" else "booked"
    parts = [f"{block.start:%H:%M}–{block.end:%H:%M} {day_text(block.start.date())}", block.space,
             kind_words(block.kind), block.who]
    if block.title:
        parts.append(block.title)
    parts.append(status + (f" ({block.cancel_reason})" if block.cancel_reason else ""))
    return ", ".join(parts)


@dataclass(frozen=True)
class CanvasColumn:
    """One column: a space (Day view, ``key`` is the space's id) or a day (Week and Class views, ``key`` is
    the date). ``reason`` says why nothing can be booked there, or is None."""

    key: object
    title: str
    subtitle: str
    day: date
    space: object | None  # SpaceInfo in the Day view
    reason: str | None
    today: bool = False


@dataclass
class _Entry:
    block: object
    column: int
    top: int  # minutes from the start of the school day
    bottom: int
    lane: int = 0
    lanes: int = 1
    rect: QRectF = field(default_factory=QRectF)
    lines: list[tuple[str, int]] = field(default_factory=list)  # (text, style)


# text styles of a block's lines
_BOLD, _PLAIN, _STRUCK, _KIND = range(4)


class TimetableCanvas(QWidget):
    """Spaces (or days) side by side over the school day; click, double-click, drag and arrow keys."""

    block_selected = Signal(object)  # the Block, or None when the selection is cleared
    block_activated = Signal(object)  # double-click or Enter on a Block
    slot_requested = Signal(object, object, object)  # column key, start datetime, end datetime
    slot_refused = Signal(object, str)  # column key, the reason nothing can be booked there

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setAccessibleName("Timetable")
        self.setAccessibleDescription("No timetable loaded.")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._timetable = None
        self._columns: list[CanvasColumn] = []
        self._entries: list[_Entry] = []
        self._by_column: list[list[_Entry]] = []
        self._by_id: dict[int, _Entry] = {}
        self._selected: int | None = None
        self._start_min = 8 * 60 + 50
        self._minutes = 380
        self._col_width = float(MIN_COLUMN)
        self._ppm = MIN_PIXELS_PER_MINUTE
        self._ticks: list[tuple[float, int, str]] = []  # y, level (0 hour, 1 half, 2 quarter), label
        self._drag: tuple[int, int] | None = None  # column index, anchor minute (clock minutes)
        self._drag_to: int | None = None
        self._today: date | None = None
        base = self.font()
        self._font = QFont(base)
        self._bold = QFont(base)
        self._bold.setBold(True)
        self._struck = QFont(base)
        self._struck.setStrikeOut(True)
        self._small = QFont(base)
        if base.pointSizeF() > 0:
            self._small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        self._bold_metrics = QFontMetrics(self._bold)
        self._metrics = QFontMetrics(self._font)
        self._line_height = self._bold_metrics.height()
        self._ascent = self._bold_metrics.ascent()
        # made once: painting makes no colours, pens or fonts per block
        self._kind_colours = {k: QColor(v) for k, v in BLOCK_COLOURS.items()}
        self._kind_fills = {k: QColor(v) for k, v in BLOCK_FILLS.items()}
        self._text_colour = QColor(TEXT)
        self._cancelled_text = QColor(CANCELLED_TEXT)
        self._cancelled_fill = QColor(CANCELLED_FILL)
        self._cancelled_pen = QPen(QColor("#8a8a8a"), 1, Qt.PenStyle.DashLine)
        self._cancelled_line = QPen(QColor("#8a8a8a"), 1)

    # --- public API -------------------------------------------------------------------------------
    def set_today(self, today: date | None) -> None:
        """The date shown as "today" in a week's header."""
        self._today = today

    def set_timetable(self, timetable) -> None:  # noqa: ANN001
        """Show a Timetable (Day: one day, a column per space; Week or Class: a column per day)."""
        keep = self._selected
        self._timetable = timetable
        start, end = timetable.day_start, timetable.day_end
        self._start_min = start.hour * 60 + start.minute
        self._minutes = max(15, end.hour * 60 + end.minute - self._start_min)
        self._columns = self._make_columns(timetable)
        index = {c.key: i for i, c in enumerate(self._columns)}
        by_day = len(timetable.days) != 1
        self._entries = []
        for block in timetable.blocks:
            column = index.get(block.start.date() if by_day else block.space_id)
            if column is None:
                continue
            top = self._clock_minutes(block.start.time()) - self._start_min
            bottom = self._clock_minutes(block.end.time()) - self._start_min
            top = min(max(top, 0), self._minutes - 5)
            bottom = min(max(bottom, top + 5), self._minutes)
            self._entries.append(_Entry(block, column, top, bottom))
        self._by_column = [[] for _ in self._columns]
        for entry in sorted(self._entries, key=lambda e: (e.top, e.bottom, e.block.occurrence_id)):
            self._by_column[entry.column].append(entry)
        for entries in self._by_column:
            _assign_lanes(entries)
        self._by_id = {e.block.occurrence_id: e for e in self._entries}
        self._selected = keep if keep in self._by_id else None
        self._ticks = self._make_ticks()
        minimum = QSize(GUTTER + max(1, len(self._columns)) * MIN_COLUMN + 1,
                        HEADER + int(self._minutes * MIN_PIXELS_PER_MINUTE) + 8)
        self.setMinimumSize(minimum)
        self._relayout()
        self._describe()
        self.update()
        if keep is not None and self._selected is None:
            self.block_selected.emit(None)

    def timetable(self):  # noqa: ANN201
        return self._timetable

    def columns(self) -> list[CanvasColumn]:
        return list(self._columns)

    def column(self, key: object) -> CanvasColumn | None:
        return next((c for c in self._columns if c.key == key), None)

    def column_reason(self, key: object) -> str | None:
        """Why nothing can be booked in that column (e.g. "INSET day"), or None."""
        column = self.column(key)
        return column.reason if column else None

    def blocks(self) -> list:
        return [e.block for e in self._entries]

    def selected_block(self):  # noqa: ANN201
        entry = self._by_id.get(self._selected) if self._selected is not None else None
        return entry.block if entry else None

    def select_block(self, occurrence_id: int | None, *, emit: bool = True) -> bool:
        """Select a block by its occurrence id (None clears); False if it is not on the canvas."""
        if occurrence_id is not None and occurrence_id not in self._by_id:
            return False
        if occurrence_id == self._selected:
            return True
        self._selected = occurrence_id
        self._describe()
        self.update()
        if occurrence_id is not None:
            self._ensure_visible(self._by_id[occurrence_id].rect.toAlignedRect())
        if emit:
            self.block_selected.emit(self.selected_block())
        return True

    def block_rects(self) -> dict[int, QRect]:
        """Each block's rectangle in the canvas's coordinates, by occurrence id."""
        return {oid: e.rect.toAlignedRect() for oid, e in self._by_id.items()}

    def block_rect(self, occurrence_id: int) -> QRect:
        return self._by_id[occurrence_id].rect.toAlignedRect()

    def block_lines(self, occurrence_id: int) -> list[str]:
        """The lines of text a block shows (before eliding to its width)."""
        return [text for text, _style in self._text_lines(self._by_id[occurrence_id].block)]

    def block_text(self, occurrence_id: int) -> list[tuple[str, bool]]:
        """The lines a block shows, each with whether it is struck through (a cancelled booking)."""
        return [(text, style == _STRUCK) for text, style in self._text_lines(self._by_id[occurrence_id].block)]

    def point_at(self, key: object, when: time) -> QPoint:
        """The point of a column at a time of day (in the middle of the column)."""
        index = next(i for i, c in enumerate(self._columns) if c.key == key)
        x = GUTTER + index * self._col_width + self._col_width / 2
        y = HEADER + (self._clock_minutes(when) - self._start_min) * self._ppm
        return QPoint(int(x), int(y) + 1)

    # --- layout -----------------------------------------------------------------------------------
    def _make_columns(self, tt) -> list[CanvasColumn]:  # noqa: ANN001
        columns = []
        if len(tt.days) == 1:
            info = tt.days[0]
            for space in tt.spaces:
                closed = space.out_of_use_on(info.day)
                reason = info.why_not_school_day or (f"Out of use: {closed}" if closed else None)
                kind = space_kind_words(space.kind)
                columns.append(CanvasColumn(space.id, space.name, reason or kind, info.day, space, reason))
        else:
            only = tt.spaces[0] if len(tt.spaces) == 1 else None
            for info in tt.days:
                closed = only.out_of_use_on(info.day) if only is not None else None
                reason = info.why_not_school_day or (f"Out of use: {closed}" if closed else None)
                subtitle = day_text(info.day) + (f" · {reason}" if reason else "")
                if info.day == self._today:
                    subtitle += " · today"
                columns.append(CanvasColumn(info.day, f"{info.day:%A}", subtitle, info.day, only, reason,
                                            info.day == self._today))
        return columns

    def _make_ticks(self) -> list[tuple[int, int, str]]:
        ticks = []
        first = -(-self._start_min // 15) * 15
        for clock in range(first, self._start_min + self._minutes + 1, 15):
            level = 0 if clock % 60 == 0 else (1 if clock % 30 == 0 else 2)
            ticks.append((clock - self._start_min, level, f"{clock // 60:02d}:{clock % 60:02d}"))
        return ticks

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._relayout()

    def moveEvent(self, event) -> None:  # noqa: ANN001, N802
        super().moveEvent(event)
        self.update()  # scrolled: the frozen header and hour labels are painted where the view now is

    def _relayout(self) -> None:
        count = max(1, len(self._columns))
        self._col_width = max(float(MIN_COLUMN), (self.width() - GUTTER - 1) / count)
        self._ppm = max(MIN_PIXELS_PER_MINUTE, (self.height() - HEADER - 8) / self._minutes)
        metrics = self._metrics
        bold_metrics = self._bold_metrics
        for entry in self._entries:
            x = GUTTER + entry.column * self._col_width + 3
            width = (self._col_width - 7) / entry.lanes
            entry.rect = QRectF(x + entry.lane * width, HEADER + entry.top * self._ppm + 1,
                                width - 2, max(6.0, (entry.bottom - entry.top) * self._ppm - 2))
            room = int(entry.rect.width()) - 12
            fits = max(1, int((entry.rect.height() - 4) // self._line_height))
            lines = []
            for text, style in self._text_lines(entry.block, room, fits)[:fits]:
                fm = bold_metrics if style == _BOLD else metrics
                lines.append((fm.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 8)), style))
            entry.lines = lines

    def _text_lines(self, block, room: int | None = None,  # noqa: ANN001
                    fits: int | None = None) -> list[tuple[str, int]]:
        """The block's lines, most important first (short blocks show the first ones): the time (and
        "Cancelled"), the kind and status, the space (in a class's week), who, title, why cancelled.
        The first two share a line when they fit in ``room`` pixels, or when only one line ``fits``:
        the kind and the status are always in words, never shown by colour alone."""
        times = f"{block.start:%H:%M}–{block.end:%H:%M}"
        class_view = self._timetable is not None and len(self._timetable.days) != 1 and \
            len(self._timetable.spaces) != 1
        cancelled = block.status == "cancelled"
        rest = _STRUCK if cancelled else _PLAIN
        if cancelled:
            head, second = ("Cancelled", _BOLD), (f"{times} {kind_words(block.kind)}", _STRUCK)
        else:
            head = (times + (" · weekly" if block.repeating else ""), _BOLD)
            second = (f"{kind_words(block.kind)}, booked", _KIND)
        combined = f"{head[0]} · {second[0]}"
        if fits == 1 or (room is not None and self._bold_metrics.horizontalAdvance(combined) <= room):
            lines = [(combined, _BOLD)]
        else:
            lines = [head, second]
        if class_view:  # a class's week mixes spaces: where comes before who
            lines.append((block.space, rest))
        lines.append((block.who, rest))
        if block.title:
            lines.append((block.title, rest))
        if cancelled:
            lines.append((f"Why: {block.cancel_reason or 'not given'}", _PLAIN))
        return lines

    @staticmethod
    def _clock_minutes(t: time) -> int:
        return t.hour * 60 + t.minute

    def _describe(self) -> None:
        tt = self._timetable
        if tt is None:
            return
        across = "spaces" if len(tt.days) == 1 else "days"
        text = (f"{tt.title}. Columns are {across}; time runs down from {tt.day_start:%H:%M} to "
                f"{tt.day_end:%H:%M}. {len(self._entries)} booking(s). Arrow keys move between bookings, Enter "
                "opens one; double-click or drag over an empty time to book it.")
        closed = [f"{c.title}: {c.reason}" for c in self._columns if c.reason]
        if closed:
            text += " Not bookable: " + "; ".join(closed) + "."
        block = self.selected_block()
        if block is not None:
            text += " Selected: " + block_summary(block) + "."
        self.setAccessibleDescription(text)

    # --- painting ---------------------------------------------------------------------------------
    def _view_rect(self) -> QRect:
        """The part of the canvas its scroll area shows (all of it when not in one)."""
        parent = self.parentWidget()
        if parent is not None and isinstance(parent.parentWidget(), QScrollArea):
            return QRect(self.mapFrom(parent, QPoint(0, 0)), parent.size()).intersected(self.rect())
        return self.rect()

    def _column_range(self, left: float, right: float) -> range:
        if not self._columns:
            return range(0)
        first = max(0, int((left - GUTTER) // self._col_width))
        last = min(len(self._columns) - 1, int((right - GUTTER) // self._col_width))
        return range(first, last + 1)

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802
        painter = QPainter(self)
        try:
            self._paint(painter, event.rect())
        finally:
            painter.end()

    def _paint(self, p: QPainter, clip: QRect) -> None:
        view = self._view_rect()
        p.fillRect(clip, QColor("#ffffff"))
        body_bottom = HEADER + self._minutes * self._ppm
        visible = self._column_range(clip.left(), clip.right())
        # columns where nothing can be booked: grey, hatched, the reason in words
        hatch = QBrush(QColor(CLOSED_HATCH), Qt.BrushStyle.BDiagPattern)
        for i in visible:
            column = self._columns[i]
            x = GUTTER + i * self._col_width
            area = QRectF(x, HEADER, self._col_width, body_bottom - HEADER)
            if column.reason:
                p.fillRect(area, QColor(CLOSED_FILL))
                p.fillRect(area, hatch)
            elif column.today:
                p.fillRect(area, QColor("#fffbea"))
        # the grid: hours, half hours, quarters
        left = max(float(GUTTER), float(clip.left()))
        right = min(float(clip.right() + 1), GUTTER + len(self._columns) * self._col_width)
        pens = (QPen(QColor("#b0b0b0"), 1), QPen(QColor("#d4d4d4"), 1), QPen(QColor("#e8e8e8"), 1))
        for minute, level, _label in self._ticks:
            y = HEADER + minute * self._ppm
            if clip.top() - 1 <= y <= clip.bottom() + 1:
                p.setPen(pens[level])
                p.drawLine(QPointF(left, y), QPointF(right, y))
        p.setPen(QPen(QColor("#9aa3ab"), 1))
        for i in list(visible) + ([visible[-1] + 1] if visible else []):
            x = GUTTER + i * self._col_width
            p.drawLine(QPointF(x, HEADER), QPointF(x, body_bottom))
        # reasons in the middle of closed columns, where the view is
        for i in visible:
            column = self._columns[i]
            if column.reason:
                self._paint_reason(p, i, column.reason, view)
        # the blocks
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        selected = None
        for i in visible:
            for entry in self._by_column[i]:
                if entry.rect.intersects(QRectF(clip)):
                    if entry.block.occurrence_id == self._selected:
                        selected = entry
                    self._paint_block(p, entry)
        if selected is not None:
            pen = QPen(QColor(SELECTED), 3)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(selected.rect.adjusted(-1, -1, 1, 1), 5, 5)
            if self.hasFocus():
                focus = QPen(QColor(FOCUS), 2, Qt.PenStyle.DashLine)
                p.setPen(focus)
                p.drawRoundedRect(selected.rect.adjusted(-4, -4, 4, 4), 6, 6)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._paint_drag(p)
        self._paint_header(p, view)
        self._paint_gutter(p, view)

    def _paint_reason(self, p: QPainter, index: int, reason: str, view: QRect) -> None:
        x = GUTTER + index * self._col_width
        top = max(HEADER, view.top() + HEADER) + 12
        fm = QFontMetrics(self._bold)
        width = min(self._col_width - 16, fm.horizontalAdvance(reason) + 20)
        lines = 1 if fm.horizontalAdvance(reason) + 20 <= width else 2
        box = QRectF(x + (self._col_width - width) / 2, top, width, lines * fm.height() + 12)
        p.setPen(QPen(QColor("#8a8a8a"), 1))
        p.setBrush(QColor("#ffffff"))
        p.drawRect(box)
        p.setFont(self._bold)
        p.setPen(QColor(REASON_TEXT))
        p.drawText(box.adjusted(6, 4, -6, -4), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, reason)

    def _paint_block(self, p: QPainter, entry: _Entry) -> None:
        rect = entry.rect
        cancelled = entry.block.status == "cancelled"
        kind = entry.block.kind
        colour = self._kind_colours.get(kind) or self._text_colour
        if cancelled:
            p.setPen(self._cancelled_pen)
            p.setBrush(self._cancelled_fill)
        else:
            p.setPen(colour)
            p.setBrush(self._kind_fills.get(kind) or self._cancelled_fill)
        p.drawRoundedRect(rect, 4, 4)
        if not cancelled:  # the kind's stripe on the left (the kind is also in words)
            p.fillRect(QRectF(rect.left() + 1, rect.top() + 3, 4, rect.height() - 6), colour)
        text_colour = self._cancelled_text if cancelled else self._text_colour
        x = rect.left() + 9
        y = rect.top() + 3 + self._ascent
        fonts = (self._bold, self._font, self._struck, self._font)
        for text, style in entry.lines:
            p.setFont(fonts[style])
            p.setPen(colour if style == _KIND and not cancelled else text_colour)
            p.drawText(QPointF(x, y), text)
            y += self._line_height
        if cancelled:  # struck through as a whole as well as line by line
            p.setPen(self._cancelled_line)
            p.drawLine(QPointF(rect.left() + 4, rect.bottom() - 3), QPointF(rect.right() - 4, rect.top() + 3))

    def _paint_drag(self, p: QPainter) -> None:
        if self._drag is None or self._drag_to is None:
            return
        column, anchor = self._drag
        first, last = sorted((anchor, self._drag_to))
        if last - first < SNAP_MINUTES:
            return
        x = GUTTER + column * self._col_width + 3
        rect = QRectF(x, HEADER + (first - self._start_min) * self._ppm, self._col_width - 7,
                      (last - first) * self._ppm)
        p.setPen(QPen(QColor(FOCUS), 2))
        p.setBrush(QColor(26, 95, 180, 40))
        p.drawRect(rect)
        p.setFont(self._bold)
        p.setPen(QColor(TEXT))
        p.drawText(rect.adjusted(6, 2, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                   f"{first // 60:02d}:{first % 60:02d}–{last // 60:02d}:{last % 60:02d} new booking")

    def _paint_header(self, p: QPainter, view: QRect) -> None:
        top = view.top()
        p.fillRect(QRect(view.left(), top, view.width(), HEADER), QColor(HEADER_FILL))
        p.setPen(QPen(QColor("#9aa3ab"), 1))
        p.drawLine(view.left(), top + HEADER - 1, view.right(), top + HEADER - 1)
        bold_metrics = QFontMetrics(self._bold)
        metrics = QFontMetrics(self._font)
        for i in self._column_range(view.left() + GUTTER, view.right()):
            column = self._columns[i]
            x = GUTTER + i * self._col_width
            cell = QRectF(x, top, self._col_width, HEADER - 1)
            if column.today:
                p.fillRect(cell, QColor(TODAY_FILL))
            elif column.reason:
                p.fillRect(cell, QColor("#e4e4e4"))
            p.setPen(QPen(QColor("#9aa3ab"), 1))
            p.drawLine(QPointF(x, top), QPointF(x, top + HEADER - 1))
            width = int(self._col_width) - 12
            p.setFont(self._bold)
            p.setPen(QColor(TEXT))
            p.drawText(QRectF(x + 6, top + 5, width, bold_metrics.height()), Qt.AlignmentFlag.AlignLeft,
                       bold_metrics.elidedText(column.title, Qt.TextElideMode.ElideRight, width))
            p.setFont(self._font)
            p.setPen(QColor(REASON_TEXT if column.reason else "#444444"))
            p.drawText(QRectF(x + 6, top + 7 + bold_metrics.height(), width, metrics.height()),
                       Qt.AlignmentFlag.AlignLeft,
                       metrics.elidedText(column.subtitle, Qt.TextElideMode.ElideRight, width))
        if not self._columns:
            p.setFont(self._font)
            p.setPen(QColor("#444444"))
            p.drawText(QRect(view.left() + GUTTER + 8, top, view.width() - GUTTER - 16, HEADER),
                       Qt.AlignmentFlag.AlignVCenter, "Nothing to show: no spaces here.")

    def _paint_gutter(self, p: QPainter, view: QRect) -> None:
        left = view.left()
        p.fillRect(QRect(left, view.top() + HEADER, GUTTER, view.height() - HEADER), QColor("#fafafa"))
        p.fillRect(QRect(left, view.top(), GUTTER, HEADER), QColor(HEADER_FILL))
        p.setPen(QPen(QColor("#9aa3ab"), 1))
        p.drawLine(left + GUTTER - 1, view.top(), left + GUTTER - 1, view.bottom())
        p.setFont(self._small)
        metrics = QFontMetrics(self._small)
        for minute, level, label in self._ticks:
            if level == 2:
                continue
            y = HEADER + minute * self._ppm
            if y < view.top() + HEADER - 2 or y > view.bottom():
                continue
            p.setPen(QColor("#333333" if level == 0 else "#555555"))
            p.drawText(QRectF(left + 4, y - 1, GUTTER - 10, metrics.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, label)
        p.setPen(QColor("#444444"))
        start = f"{self._start_min // 60:02d}:{self._start_min % 60:02d}"
        end_min = self._start_min + self._minutes
        p.drawText(QRectF(left + 2, view.top() + 4, GUTTER - 6, HEADER - 8),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   f"{start}–\n{end_min // 60:02d}:{end_min % 60:02d}")

    # --- hit testing ------------------------------------------------------------------------------
    def _entry_at(self, pos: QPointF) -> _Entry | None:
        column = self._column_at(pos)
        if column is None:
            return None
        return next((e for e in reversed(self._by_column[column]) if e.rect.contains(pos)), None)

    def _column_at(self, pos: QPointF) -> int | None:
        view = self._view_rect()
        if pos.x() < view.left() + GUTTER or pos.y() < view.top() + HEADER:
            return None  # on the frozen hour labels or column titles
        if pos.y() > HEADER + self._minutes * self._ppm:
            return None
        index = int((pos.x() - GUTTER) // self._col_width)
        return index if 0 <= index < len(self._columns) else None

    def _minute_at(self, y: float, *, floor: bool = False) -> int:
        """The clock minute at a height, on the 5-minute grid, inside the school day."""
        raw = self._start_min + (y - HEADER) / self._ppm
        snapped = (int(raw) // SNAP_MINUTES if floor else round(raw / SNAP_MINUTES)) * SNAP_MINUTES
        return min(max(snapped, self._start_min), self._start_min + self._minutes)

    def _datetime(self, column: CanvasColumn, minute: int) -> datetime:
        return datetime.combine(column.day, time(minute // 60, minute % 60))

    # --- mouse ------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        entry = self._entry_at(pos)
        if entry is not None:
            self.select_block(entry.block.occurrence_id)
            return None
        column = self._column_at(pos)
        if column is None:
            return None
        self.select_block(None)
        self._drag = (column, self._minute_at(pos.y()))
        self._drag_to = None
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is None:
            return super().mouseMoveEvent(event)
        self._drag_to = self._minute_at(event.position().y())
        self.update()
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        column_index, anchor = self._drag
        here = self._minute_at(event.position().y())
        self._drag, self._drag_to = None, None
        self.update()
        first, last = sorted((anchor, here))
        if last - first >= SNAP_MINUTES:
            self._request(self._columns[column_index], first, last)
        return None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseDoubleClickEvent(event)
        self._drag, self._drag_to = None, None
        pos = event.position()
        entry = self._entry_at(pos)
        if entry is not None:
            self.select_block(entry.block.occurrence_id)
            self.block_activated.emit(entry.block)
            return None
        column = self._column_at(pos)
        if column is None:
            return None
        start = self._minute_at(pos.y(), floor=True)
        end_of_day = self._start_min + self._minutes
        start = max(self._start_min, min(start, end_of_day - DEFAULT_MINUTES))
        self._request(self._columns[column], start, min(start + DEFAULT_MINUTES, end_of_day))
        return None

    def _request(self, column: CanvasColumn, first: int, last: int) -> None:
        if column.reason:
            self.slot_refused.emit(column.key, column.reason)
            return
        self.slot_requested.emit(column.key, self._datetime(column, first), self._datetime(column, last))

    def event(self, event) -> bool:  # noqa: ANN001
        if event.type() == event.Type.ToolTip:
            entry = self._entry_at(QPointF(event.pos()))
            if entry is not None:
                QToolTip.showText(event.globalPos(), block_summary(entry.block), self)
            else:
                column = self._column_at(QPointF(event.pos()))
                reason = self._columns[column].reason if column is not None else None
                if reason:
                    QToolTip.showText(event.globalPos(), f"Nothing can be booked here: {reason}", self)
                else:
                    QToolTip.hideText()
            return True
        return super().event(event)

    # --- keyboard ---------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        moves = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                 Qt.Key.Key_Down: (0, 1)}
        if key in moves:
            target = self._neighbour(*moves[key])
            if target is not None:
                self.select_block(target.block.occurrence_id)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            block = self.selected_block()
            if block is not None:
                self.block_activated.emit(block)
            return
        if key == Qt.Key.Key_Escape and self._selected is not None:
            self.select_block(None)
            return
        super().keyPressEvent(event)

    def _neighbour(self, across: int, down: int) -> _Entry | None:
        current = self._by_id.get(self._selected) if self._selected is not None else None
        if current is None:
            return next((e for entries in self._by_column for e in entries), None)
        if down:
            entries = self._by_column[current.column]
            index = entries.index(current) + down
            return entries[index] if 0 <= index < len(entries) else None
        column = current.column + across
        while 0 <= column < len(self._by_column):
            entries = self._by_column[column]
            if entries:
                return min(entries, key=lambda e: (abs(e.top - current.top), e.top))
            column += across
        return None

    def _ensure_visible(self, rect: QRect) -> None:
        parent = self.parentWidget()
        area = parent.parentWidget() if parent is not None else None
        if isinstance(area, QScrollArea):
            centre = rect.center()
            area.ensureVisible(centre.x(), centre.y(), rect.width() // 2 + GUTTER + 8,
                               rect.height() // 2 + HEADER + 8)

    def focusInEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusOutEvent(event)
        self.update()


def _assign_lanes(entries: list[_Entry]) -> None:
    """Side by side where blocks overlap (e.g. a cancelled one under a new one): lanes per cluster."""
    cluster: list[_Entry] = []
    cluster_end = -1
    lanes_end: list[int] = []

    def close() -> None:
        for e in cluster:
            e.lanes = len(lanes_end)

    for entry in entries:  # sorted by start
        if cluster and entry.top >= cluster_end:
            close()
            cluster, lanes_end = [], []
        lane = next((i for i, end in enumerate(lanes_end) if end <= entry.top), None)
        if lane is None:
            lane = len(lanes_end)
            lanes_end.append(entry.bottom)
        else:
            lanes_end[lane] = entry.bottom
        entry.lane = lane
        cluster.append(entry)
        cluster_end = max(cluster_end, entry.bottom)
    if cluster:
        close()


def next_school_weekday(day: date, step: int) -> date:
    """The weekday ``step`` days on, skipping Saturday and Sunday (the Day view's previous and next)."""
    day += timedelta(days=step)
    while day.weekday() >= 5:
        day += timedelta(days=1 if step > 0 else -1)
    return day
