"""Render packaging/icons/fairfields.svg to PNGs (16–256 px) and a Windows .ico, with Qt only.

    .venv/bin/python packaging/make_icons.py        (or: QT_QPA_PLATFORM=offscreen …)

The outputs are committed beside the SVG; run this again after changing the SVG. The .ico holds every
size: 16–128 px as 32-bit BMP images with alpha (read by every Windows version and tool), 256 px as PNG
(the Vista+ convention, which keeps the file small).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent / "icons"
SOURCE = HERE / "fairfields.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data)


def bmp_entry(image: QImage) -> bytes:
    """An ICO image as a DIB: BITMAPINFOHEADER, BGRA rows bottom-up, then an all-zero AND mask."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)  # bytes B, G, R, A on little-endian
    width, height = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(height - 1, -1, -1):
        line = image.constScanLine(y)
        rows.append(bytes(line)[: width * 4])
    mask_stride = ((width + 31) // 32) * 4
    return header + b"".join(rows) + bytes(mask_stride * height)


def write_ico(path: Path, images: dict[int, QImage]) -> None:
    entries = []
    for size in sorted(images):
        blob = png_bytes(images[size]) if size >= 256 else bmp_entry(images[size])
        entries.append((size, blob))
    offset = 6 + 16 * len(entries)
    directory = struct.pack("<HHH", 0, 1, len(entries))
    payload = b""
    for size, blob in entries:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(payload))
        payload += blob
    path.write_bytes(directory + payload)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (Qt needs one)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in set(PNG_SIZES) | set(ICO_SIZES)}
    for size in PNG_SIZES:
        out = HERE / f"fairfields-{size}.png"
        out.write_bytes(png_bytes(images[size]))
        print(f"wrote {out.relative_to(HERE.parent.parent)}")
    ico = HERE / "fairfields.ico"
    write_ico(ico, {size: images[size] for size in ICO_SIZES})
    print(f"wrote {ico.relative_to(HERE.parent.parent)} ({', '.join(str(s) for s in ICO_SIZES)} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
