"""Draws OnsPlan's app icons (a white ring on dark blue) as PNG with the standard library only, and the
neutral icons of discreet mode (a plain note page on grey: nothing that points to OnsPlan).

Run: python -m webapp.pwa.make_icons  — writes static/icons/icon-192.png, icon-512.png, icon-maskable-512.png
and neutral-192.png, neutral-512.png, neutral-maskable-512.png.
"""
import struct
import zlib
from pathlib import Path

BLUE = (0x15, 0x42, 0x73)
WHITE = (0xFF, 0xFF, 0xFF)


def png(width, height, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def ring(size, outer, inner, rounded):
    c = size / 2
    radius = size * 0.22
    def pixel(x, y):
        if rounded:  # rounded square for the ordinary icon; corners white
            dx, dy = max(abs(x + .5 - c) - (c - radius), 0), max(abs(y + .5 - c) - (c - radius), 0)
            if dx * dx + dy * dy > radius * radius:
                return WHITE
        d = ((x + .5 - c) ** 2 + (y + .5 - c) ** 2) ** .5
        return WHITE if inner * size <= d <= outer * size else BLUE
    return png(size, size, pixel)


GREY = (0x5C, 0x5C, 0x5C)
LINE = (0xB0, 0xB0, 0xB0)


def note(size, margin, rounded):
    """A white note page with three grey lines, on grey."""
    c = size / 2
    radius = size * 0.22
    left, right, top, bottom = margin * size, (1 - margin) * size, (margin - 0.05) * size, (1 - margin + 0.05) * size
    lines = [top + (bottom - top) * f for f in (0.3, 0.5, 0.7)]
    thick = size * 0.03

    def pixel(x, y):
        if rounded:
            dx, dy = max(abs(x + .5 - c) - (c - radius), 0), max(abs(y + .5 - c) - (c - radius), 0)
            if dx * dx + dy * dy > radius * radius:
                return WHITE
        if left <= x <= right and top <= y <= bottom:
            inner = left + (right - left) * 0.15 <= x <= right - (right - left) * 0.15
            return LINE if inner and any(abs(y - line) <= thick / 2 for line in lines) else WHITE
        return GREY
    return png(size, size, pixel)


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[2] / "static" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    (out / "icon-192.png").write_bytes(ring(192, 0.30, 0.19, True))
    (out / "icon-512.png").write_bytes(ring(512, 0.30, 0.19, True))
    # Maskable: full-bleed background, the ring inside the 80% safe zone.
    (out / "icon-maskable-512.png").write_bytes(ring(512, 0.24, 0.15, False))
    (out / "neutral-192.png").write_bytes(note(192, 0.28, True))
    (out / "neutral-512.png").write_bytes(note(512, 0.28, True))
    (out / "neutral-maskable-512.png").write_bytes(note(512, 0.33, False))
