"""The day view's spaces as one person arranges them: the order, and their own chosen spaces, kept per user
on this PC (`config.keep_day_view`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from ...domain.words import space_kind_words


class ChooseSpacesDialog(QDialog):
    """Tick the spaces to show in the day view and put them in order (Move up / Move down)."""

    def __init__(self, spaces, chosen: list[str], parent=None) -> None:  # noqa: ANN001 (SpaceInfo, school order)
        super().__init__(parent)
        self.setWindowTitle("Choose the day view's spaces")
        self.list = QListWidget()
        self.list.setAccessibleName("Spaces to show, in order")
        names = {s.name: s for s in spaces}
        ordered = [names[n] for n in chosen if n in names] + [s for s in spaces if s.name not in chosen]
        for space in ordered:
            item = QListWidgetItem(f"{space.name} — {space_kind_words(space.kind)}")
            item.setData(Qt.ItemDataRole.UserRole, space.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if (space.name in chosen or not chosen) else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        up, down = QPushButton("Move &up"), QPushButton("Move &down")
        up.clicked.connect(lambda: self.move(-1))
        down.clicked.connect(lambda: self.move(1))
        self.message = QLabel("Ticked spaces are shown, top first (left in the day view).")
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Show these")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        side = QVBoxLayout()
        side.addWidget(up)
        side.addWidget(down)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def set_checked(self, name: str, checked: bool) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]
