"""Screenshots of the real screens for the user guides (resources/help/images/*.png).

Opens the demo school offscreen in a temporary database, signs in as each role's demo user and saves
1100×700 PNGs of the screens the guides describe. With --assistant DIR, also saves each page of the
first-run assistant into DIR (to look at; not used by the guides).

    FAIRFIELDS_DB_KEY=<64 hex digits> QT_QPA_PLATFORM=offscreen python resources/help/make_screenshots.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FAIRFIELDS_DB_KEY", "5f" * 32)

TODAY = date(2026, 11, 23)
SIZE = (1100, 700)
#: role → (demo user, password, the screens its guide shows)
SHOTS = {
    "headteacher": ("hcarter", "demo-head-2026", ["dashboard", "requests", "reports"]),
    "senco": ("mokafor", "demo-senco-2026", ["dashboard", "ehcp", "pupils"]),
    "office": ("sbrown", "demo-office-2026", ["dashboard", "professionals", "spaces"]),
    "teacher": ("ttaylor", "demo-teacher-2026", ["dashboard", "pupils", "spaces"]),
}


def settle(app, seconds: float = 0.6) -> None:  # noqa: ANN001
    from fairfields_desktop.ui.workers import wait_for_background

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    wait_for_background()
    app.processEvents()


def shrink(path: Path) -> None:
    """A 256-colour palette: screens have few colours, and the file is a third of the size."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with reportlab; without it the full-colour PNG stays
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "images")
    parser.add_argument("--assistant", type=Path, help="also save the first-run assistant's pages here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FAIRFIELDS_HOME"] = tmp
        os.environ.setdefault("FAIRFIELDS_HASH_COST", "test")
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        from fairfields_desktop.app import open_services
        from fairfields_desktop.ui.launch import load_style
        from fairfields_desktop.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication(sys.argv[:1])
        load_style(app)
        args.out.mkdir(parents=True, exist_ok=True)
        if args.assistant:
            shoot_assistant(app, open_services(f"sqlite:///{tmp}/empty.db", today=TODAY), args.assistant)
        services = open_services(f"sqlite:///{tmp}/demo.db", today=TODAY)
        services.dataset.load_demo()
        for role, (username, password, screens) in SHOTS.items():
            actor = services.auth.sign_in(username, password)
            window = MainWindow(services, actor)
            window.resize(*SIZE)
            window.show()
            for screen in screens:
                window.show_screen(screen)
                settle(app)
                window.statusBar().showMessage("Database: SQLite file on this PC (encrypted)")  # not the temporary path
                app.processEvents()
                path = args.out / f"{role}-{screen}.png"
                shot = window.grab()
                if shot.width() > SIZE[0] or shot.height() > SIZE[1]:  # the window is wider than 1100 at its smallest
                    shot = shot.scaled(*SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
                shot.save(str(path), "PNG", 0)  # 0: the smallest file
                shrink(path)
                print(path)
            window._signing_out = True
            window.close()
            window.deleteLater()
            settle(app, 0.1)
        services.close()
    return 0


def shoot_assistant(app, services, out: Path) -> None:  # noqa: ANN001
    from fairfields_desktop.ui.first_run import FirstRunAssistant

    out.mkdir(parents=True, exist_ok=True)
    wizard = FirstRunAssistant(services=services, today=TODAY)
    wizard.show()
    for number in range(4):
        settle(app, 0.2)
        if number == 1:
            wizard.where_page.postgres.setChecked(True)
            wizard.where_page.url.setText("postgresql+psycopg://postgres@127.0.0.1:1/x?connect_timeout=2")
            wizard.where_page.test_button.click()
            settle(app, 0.1)
            wizard.grab().save(str(out / "first-run-2-where-failed.png"), "PNG")
            wizard.where_page.this_pc.setChecked(True)
        if number == 2:
            wizard.school_page.school_name.setText("Oak Tree School")
        if number == 3:
            wizard.admin_page.username.setText("jsmith")
            wizard.admin_page.name.setText("Jo Smith")
            wizard.admin_page.password.setText("short")
            wizard.admin_page.repeated.setText("short")
            wizard.admin_page.validatePage()
        settle(app, 0.1)
        wizard.grab().save(str(out / f"first-run-{number + 1}.png"), "PNG")
        print(out / f"first-run-{number + 1}.png")
        wizard.next()
    wizard.close()
    services.close()


if __name__ == "__main__":
    raise SystemExit(main())
