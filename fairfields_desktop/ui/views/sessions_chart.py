"""Professionals' sessions delivered per week this term, by kind of professional, beside the sessions planned.

The figures come from the session records (a teacher: their class's). Each kind of professional has its own
colour and brush pattern and is named in the legend; the planned total is a dashed line with round points.
A plain-text summary under the chart gives the totals, and the chart's description gives every week's figures
for screen readers."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLegend,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...domain.calendar import Term, monday_of
from ...domain.errors import FairfieldsError
from ...domain.permissions import allowed
from ...domain.professionals import KIND_LABELS
from ...domain.school import PROFESSIONAL_KINDS

TITLE = "Sessions delivered per week this term, by kind of professional, beside sessions planned"

#: colour-blind-safe colours (Okabe–Ito) and a distinct brush pattern for each kind
STYLE = {
    "statutory": ("#0072B2", Qt.BrushStyle.SolidPattern),
    "commissioned": ("#E69F00", Qt.BrushStyle.BDiagPattern),
    "independent": ("#009E73", Qt.BrushStyle.CrossPattern),
}


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def long_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def term_for(terms: tuple[Term, ...] | list[Term], today: date) -> Term | None:
    """The term today falls in; between terms the one just ended (else the next one)."""
    for term in terms:
        if term.covers(today):
            return term
    ended = [t for t in terms if t.last_day < today]
    if ended:
        return max(ended, key=lambda t: t.last_day)
    coming = [t for t in terms if t.first_day > today]
    return min(coming, key=lambda t: t.first_day) if coming else None


def _brush(colour: str, pattern: Qt.BrushStyle) -> QBrush:
    """The colour, with white stripes or hatching over it for the kinds after the first: told apart
    without seeing colour, in the bars and in the legend."""
    if pattern == Qt.BrushStyle.SolidPattern:
        return QBrush(QColor(colour))
    tile = QPixmap(12, 12)
    tile.fill(QColor(colour))
    painter = QPainter(tile)
    painter.setBrush(QBrush(QColor("white"), pattern))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRect(0, 0, 12, 12)
    painter.end()
    return QBrush(tile)


class SessionsChart(QWidget):
    """Bars of sessions delivered each week by kind of professional, and a line of the sessions planned."""

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.figures: list = []
        self.term: Term | None = None
        self.first: date | None = None
        self.last: date | None = None

        self.chart = QChart()
        self.chart.setTitle(TITLE)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        title_font.setBold(True)
        self.chart.setTitleFont(title_font)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setMargins(QMargins(6, 6, 6, 6))
        legend = self.chart.legend()
        legend.setVisible(True)
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend.setFont(self.font())

        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(320)
        self.view.setAccessibleName("Chart: " + TITLE)
        self.view.setAccessibleDescription("No figures yet.")

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary of the chart")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        self.summary.setContentsMargins(8, 4, 8, 6)
        self.reload()

    # --- the period --------------------------------------------------------------------------------------------
    def period(self) -> tuple[Term | None, date, date]:
        """This term, from its first day up to today (a term not yet started or already ended: all of it).
        With no terms set up: the last twelve weeks."""
        today = self.services.clock.today()
        term = term_for(self.services.school.calendar().terms, today)
        if term is None:
            return None, monday_of(today) - timedelta(weeks=11), today
        return term, term.first_day, min(today, term.last_day) if term.covers(today) else term.last_day

    # --- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._clear()
        if not allowed(self.actor.roles, "sessions.mark"):
            self.figures = []
            self.summary.setText("Session figures are for the headteacher, the SENCO, the office and class "
                                 "teachers.")
            self.view.setAccessibleDescription(self.summary.text())
            return
        self.term, self.first, self.last = self.period()
        try:
            self.figures = self.services.sessions.weekly_figures(self.actor, self.first, self.last)
        except FairfieldsError as exc:
            self.figures = []
            self.summary.setText(f"The figures could not be read: {exc}")
            self.view.setAccessibleDescription(self.summary.text())
            return
        self._draw()
        self.summary.setText(self.summary_text())
        self.view.setAccessibleDescription(self.description_text())

    def _clear(self) -> None:
        self.x_axis = None
        self.chart.removeAllSeries()
        for axis in list(self.chart.axes()):
            self.chart.removeAxis(axis)
            axis.deleteLater()

    def _draw(self) -> None:
        weeks = self.figures
        categories = [short_day(w.monday) for w in weeks]
        bars = QStackedBarSeries()
        bars.setName("Delivered")
        for kind in PROFESSIONAL_KINDS:
            colour, pattern = STYLE[kind]
            bar_set = QBarSet(f"Delivered: {KIND_LABELS[kind].lower()}")
            bar_set.append([float(w.delivered.get(kind, 0)) for w in weeks])
            bar_set.setBrush(_brush(colour, pattern))
            bar_set.setPen(QPen(QColor(colour).darker(160), 1))
            bars.append(bar_set)
        bars.setBarWidth(0.6)
        planned = QLineSeries()
        planned.setName("Planned (all kinds)")
        for i, w in enumerate(weeks):
            planned.append(float(i), float(w.planned_total))
        pen = QPen(QColor("#222222"), 2.5, Qt.PenStyle.DashLine)
        planned.setPen(pen)
        planned.setPointsVisible(True)
        planned.setMarkerSize(8)
        self.chart.addSeries(bars)
        self.chart.addSeries(planned)

        x_axis = QBarCategoryAxis()
        x_axis.append(categories or ["—"])
        self.x_axis = x_axis
        x_axis.setTitleText("Week beginning")
        most = max([w.planned_total for w in weeks] + [w.delivered_total for w in weeks] + [1])
        step = 1 if most <= 9 else 2 if most <= 18 else 5 if most <= 45 else 10 if most <= 90 else 50
        top = (most // step + 1) * step  # a step of headroom above the highest point
        y_axis = QValueAxis()
        y_axis.setRange(0, top)
        y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        y_axis.setTickAnchor(0)
        y_axis.setTickInterval(step)
        y_axis.setLabelFormat("%d")
        y_axis.setTitleText("Sessions")
        self._fit_labels()
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (bars, planned):
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        for marker in self.chart.legend().markers(planned):
            marker.setShape(QLegend.MarkerShape.MarkerShapeFromSeries)  # the planned line shows as a dashed line

    def _fit_labels(self) -> None:
        """Week labels on one line ("2 Nov") where they fit, else the month under the day."""
        axis = getattr(self, "x_axis", None)
        if axis is None or not self.figures:
            return
        room = (self.view.width() - 110) / len(self.figures)
        wide = QFontMetrics(axis.labelsFont()).horizontalAdvance("28 Sep") + 10
        labels = [short_day(w.monday) if room >= wide else short_day(w.monday).replace(" ", "<br>")
                  for w in self.figures]
        if axis.categories() != labels:
            axis.setCategories(labels)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        self._fit_labels()

    # --- words -------------------------------------------------------------------------------------------------
    def _period_words(self) -> str:
        if self.first is None or self.last is None:
            return ""
        name = self.term.name if self.term is not None else "The last twelve weeks"
        today = self.services.clock.today()
        so_far = " so far" if self.term is not None and self.term.covers(today) else ""
        return f"{name}{so_far} ({long_day(self.first)} to {long_day(self.last)})"

    def summary_text(self) -> str:
        planned = sum(w.planned_total for w in self.figures)
        delivered = sum(w.delivered_total for w in self.figures)
        if not planned and not delivered:
            return f"{self._period_words()}: no professionals' sessions planned."
        by_kind = []
        for kind in PROFESSIONAL_KINDS:
            p = sum(w.planned.get(kind, 0) for w in self.figures)
            d = sum(w.delivered.get(kind, 0) for w in self.figures)
            if p or d:
                by_kind.append(f"{KIND_LABELS[kind].lower()} {d} of {p}")
        return (f"{self._period_words()}: {planned} session{'' if planned == 1 else 's'} planned, "
                f"{delivered} delivered. Delivered of planned by kind: {'; '.join(by_kind)}.")

    def description_text(self) -> str:
        """Every week's figures in words, for a screen reader."""
        lines = ["Bars: sessions delivered, stacked by kind of professional; dashed line: sessions planned. "
                 + self.summary_text()]
        for w in self.figures:
            kinds = ", ".join(f"{KIND_LABELS[k].lower()} {w.delivered.get(k, 0)}" for k in PROFESSIONAL_KINDS
                              if w.delivered.get(k, 0))
            lines.append(f"Week of {long_day(w.monday)}: {w.planned_total} planned, {w.delivered_total} delivered"
                         + (f" ({kinds})" if kinds else "") + ".")
        return "\n".join(lines)
