"""Photographs for the demo, painted locally: a scene sketched from a motif and a palette.

Nothing is downloaded; the same key always paints the same picture.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 1000
Color = tuple[int, int, int]


def _rgb(hex_color: str) -> Color:
    value = hex_color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(a: Color, b: Color, t: float) -> Color:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _sky(draw: ImageDraw.ImageDraw, top: Color, bottom: Color, height: int = HEIGHT) -> None:
    for y in range(height):
        draw.line([(0, y), (WIDTH, y)], fill=_mix(top, bottom, y / height))


def _ridge(
    draw: ImageDraw.ImageDraw,
    rnd: random.Random,
    base: int,
    amplitude: int,
    color: Color,
    peaks: int = 6,
) -> None:
    points: list[tuple[float, float]] = [(0, HEIGHT)]
    for i in range(peaks * 4 + 1):
        x = WIDTH * i / (peaks * 4)
        y = base - amplitude * abs(math.sin(i * math.pi / 4 + rnd.random())) * rnd.uniform(0.5, 1)
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=color)


def _water(
    draw: ImageDraw.ImageDraw, rnd: random.Random, top: int, color: Color, light: Color
) -> None:
    draw.rectangle([0, top, WIDTH, HEIGHT], fill=color)
    for _ in range(140):
        y = rnd.randint(top + 5, HEIGHT)
        x = rnd.randint(0, WIDTH)
        length = rnd.randint(20, 120)
        draw.line(
            [(x, y), (x + length, y)], fill=_mix(color, light, rnd.uniform(0.2, 0.6)), width=2
        )


def _buildings(
    draw: ImageDraw.ImageDraw,
    rnd: random.Random,
    base: int,
    color: Color,
    window: Color,
    lit: float = 0.3,
) -> None:
    x = -20
    while x < WIDTH:
        w = rnd.randint(70, 180)
        h = rnd.randint(180, 520)
        draw.rectangle(
            [x, base - h, x + w, base], fill=_mix(color, (0, 0, 0), rnd.uniform(0, 0.25))
        )
        for wy in range(base - h + 20, base - 20, 34):
            for wx in range(x + 12, x + w - 18, 26):
                if rnd.random() < lit:
                    draw.rectangle([wx, wy, wx + 12, wy + 18], fill=window)
        x += w + rnd.randint(4, 20)


def _harbor(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, p[2], _mix(p[2], (255, 255, 255), 0.5))
    _ridge(d, r, 560, 120, _mix(p[0], p[2], 0.5), peaks=3)
    _water(d, r, 640, p[0], p[2])
    for i in range(4):
        x = 180 + i * 330
        d.rectangle([x, 260, x + 26, 640], fill=p[1])
        d.polygon([(x - 120, 260), (x + 220, 260), (x + 220, 290), (x - 120, 290)], fill=p[1])
        d.line([(x + 13, 260), (x + 200, 420)], fill=p[1], width=6)
    d.rectangle([0, 600, WIDTH, 650], fill=_mix(p[0], (0, 0, 0), 0.4))


def _city(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, p[2], _mix(p[1], (255, 255, 255), 0.6))
    _buildings(d, r, 880, _mix(p[0], p[2], 0.3), _mix(p[2], (255, 255, 255), 0.6), lit=0.15)
    _buildings(d, r, HEIGHT, p[0], p[1], lit=0.25)


def _mountains(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, _mix(p[1], (255, 255, 255), 0.3), p[2])
    for i, base in enumerate((620, 760, 900)):
        _ridge(d, r, base, 360 - i * 90, _mix(p[0], p[2], 0.5 - i * 0.2), peaks=4 + i)


def _sea(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, p[2], _mix(p[1], (255, 255, 255), 0.4))
    d.ellipse([1050, 230, 1230, 410], fill=_mix(p[1], (255, 255, 255), 0.7))
    _water(d, r, 560, p[0], p[2])


def _crowd(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, p[2], _mix(p[2], p[1], 0.5))
    _buildings(d, r, 640, _mix(p[2], p[0], 0.4), p[2], lit=0)
    for row in range(7):
        y = 560 + row * 70
        for _ in range(26):
            x = r.randint(-40, WIDTH)
            shade = _mix(p[0], p[1], r.random())
            d.ellipse([x, y, x + 56, y + 60], fill=_mix(shade, (255, 220, 190), 0.35))
            d.rounded_rectangle([x - 20, y + 55, x + 76, y + 200], radius=30, fill=shade)


def _field(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, _mix(p[2], (255, 255, 255), 0.4), p[2])
    for i, base in enumerate((560, 660, 780, 920)):
        _ridge(d, r, base, 60, _mix(p[0], p[1], i / 4), peaks=2)
    for x in range(0, WIDTH, 40):
        d.line([(x, HEIGHT), (WIDTH / 2 + (x - WIDTH / 2) * 0.2, 700)], fill=_mix(p[0], p[1], 0.5))


def _lab(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, _mix(p[2], (255, 255, 255), 0.5), p[2])
    d.rectangle([0, 700, WIDTH, HEIGHT], fill=_mix(p[0], (255, 255, 255), 0.2))
    for i in range(9):
        x = 120 + i * 160
        h = r.randint(140, 300)
        d.rectangle([x + 40, 700 - h, x + 80, 700 - h + 80], fill=_mix(p[1], (255, 255, 255), 0.5))
        d.polygon(
            [(x + 40, 780 - h), (x + 80, 780 - h), (x + 120, 700), (x, 700)],
            fill=_mix(p[1], (255, 255, 255), 0.2 + r.random() * 0.4),
        )


def _night(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, (10, 12, 30), p[0])
    for _ in range(160):
        x, y = r.randint(0, WIDTH), r.randint(0, 420)
        d.point((x, y), fill=(255, 255, 240))
    _buildings(d, r, HEIGHT, _mix(p[0], (0, 0, 0), 0.6), p[1], lit=0.45)


def _bridge(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, p[2], _mix(p[2], (255, 255, 255), 0.6))
    _water(d, r, 700, p[0], p[2])
    d.arc([100, 380, 1500, 1020], start=180, end=360, fill=p[1], width=28)
    d.rectangle([0, 640, WIDTH, 672], fill=p[1])
    for x in range(180, 1440, 70):
        top = 700 - math.sqrt(max(0, 700**2 - (x - 800) ** 2)) * 0.45
        d.line([(x, top), (x, 640)], fill=p[1], width=5)


def _abstract(d: ImageDraw.ImageDraw, r: random.Random, p: list[Color]) -> None:
    _sky(d, p[2], _mix(p[0], p[2], 0.5))
    for _ in range(24):
        x, y, s = r.randint(-100, WIDTH), r.randint(-100, HEIGHT), r.randint(80, 420)
        d.ellipse([x, y, x + s, y + s], fill=_mix(r.choice(p), (255, 255, 255), r.random() * 0.4))


MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random, list[Color]], None]] = {
    "harbor": _harbor,
    "city": _city,
    "mountains": _mountains,
    "sea": _sea,
    "crowd": _crowd,
    "field": _field,
    "lab": _lab,
    "night": _night,
    "bridge": _bridge,
    "abstract": _abstract,
}


def paint(key: str, motif: str, palette: list[str]) -> bytes:
    """A JPEG of ``motif`` in ``palette``, the same for the same ``key``."""
    rnd = random.Random(key)  # noqa: S311 - pictures, not secrets
    colors = [_rgb(c) for c in [*palette, "#445566", "#aa8866", "#ddeeff"][:3]]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    MOTIFS.get(motif, _abstract)(ImageDraw.Draw(image), rnd, colors)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
