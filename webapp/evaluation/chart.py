"""Geometry of a small line chart, drawn as inline SVG by a template (pure: no Flask).

No chart library and no script: the server computes coordinates, the template draws them
with presentation attributes (the CSP forbids inline styles). Each line has its own colour
and its own marker shape, so the chart does not depend on colour alone; the table next to
the chart gives the same values as text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

WIDTH, HEIGHT = 340, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 34
MARKER_SIZE = 5
DODGE = 6  # lines side by side, so equal values at one moment do not hide each other
# Colours with at least 3:1 contrast on white (graphics, WCAG 1.4.11).
COLOURS = ("#154273", "#a04000", "#1e6b35", "#6b2c91")
MARKERS = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    marker: str

    @property
    def polygon(self) -> str:
        """The marker outline for square, diamond and triangle (a circle is drawn as <circle>)."""
        s, x, y = MARKER_SIZE, self.x, self.y
        corners = {
            "square": [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)],
            "diamond": [(x, y - s - 1), (x + s + 1, y), (x, y + s + 1), (x - s - 1, y)],
            "triangle": [(x, y - s - 1), (x + s + 1, y + s), (x - s - 1, y + s)],
        }.get(self.marker, [])
        return " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    marker: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]


def line_chart(x_labels: Sequence[str], y_values: Sequence[int], y_labels: Sequence[str],
               series: Sequence[tuple[str, Mapping[int, int]]]) -> Chart:
    """Lines over evenly spaced x positions; ``series`` maps an x index to a value in ``y_values``."""
    if not x_labels or len(y_values) < 2 or len(y_values) != len(y_labels):
        raise ValueError("a chart needs at least one x position and two y values, each with a label")
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    inner_left, inner_right = LEFT + 16, right - 16
    if len(x_labels) == 1:
        xs = [(inner_left + inner_right) / 2]
    else:
        step = (inner_right - inner_left) / (len(x_labels) - 1)
        xs = [inner_left + i * step for i in range(len(x_labels))]
    low, high = min(y_values), max(y_values)

    def y_of(value: int) -> float:
        return bottom - (value - low) / (high - low) * (bottom - TOP)

    lines = []
    for index, (name, values) in enumerate(series):
        marker = MARKERS[index % len(MARKERS)]
        dodge = (index - (len(series) - 1) / 2) * DODGE
        points = tuple(Point(xs[i] + dodge, y_of(v), v, marker) for i, v in sorted(values.items()) if 0 <= i < len(xs))
        lines.append(Line(name, COLOURS[index % len(COLOURS)], marker, points))
    return Chart(
        width=WIDTH, height=HEIGHT, left=LEFT, right=right, top=TOP, bottom=bottom,
        x_ticks=tuple(Tick(x, label) for x, label in zip(xs, x_labels)),
        y_ticks=tuple(Tick(y_of(v), label) for v, label in zip(y_values, y_labels)),
        lines=tuple(lines),
    )
