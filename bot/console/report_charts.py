"""The report pages' charts as inline SVG, drawn on the server (no JavaScript):

- `shares_svg`: horizontal bars, one per row, its length the share (0-100 %): the weeks'
  reflections of the overview, the participation of the impact report;
- `impact_svg`: per self-assessment area, the baseline and the end mean (1-5) as two bars.

Every bar is a `<g class="point">` naming its row (`data-key`) with a `<title>` that says the
figure as the table beside it does; a figure hidden by the small-cell rule draws "—" and no bar,
a row with no one to count draws nothing but keeps its place. The chart is `role="img"` with a
title; the table beside it carries the same numbers for screen readers. Plain CPU work on plain
data: the console draws it off the event loop (mentoring/offload.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LEFT, RIGHT, TOP = 8, 56, 8
ROW = 34  # a label line and a bar
BAR = 14
COLOURS = ("#1f5fa8", "#2e7d32")  # baseline / the share, end: readable on white
SCALE = (1, 5)


def _a(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class Bar:
    key: str
    label: str  # the row's name, above its bar
    value: float | None  # 0..1 of the plot's width; None: nothing drawn
    hidden: bool  # drawn as "—"
    text: str  # what the bar says (its title and the figure at its end)


def _open(title: str, element_id: str, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'aria-labelledby="{element_id}-title" font-family="sans-serif" font-size="12">',
        f'<title id="{element_id}-title">{_a(title)}</title>',
    ]


def _bar(parts: list[str], bar: Bar, y: float, colour: str, plot_w: float) -> None:
    parts.append(f'<g class="point" data-key="{_a(bar.key)}"><title>{_a(bar.label)}: {_a(bar.text)}</title>')
    if bar.hidden:
        parts.append(f'<text x="{LEFT + 4}" y="{y + BAR - 3:.1f}" fill="#333">—</text>')
    elif bar.value is not None:
        width = max(1.0, plot_w * min(max(bar.value, 0.0), 1.0))
        parts.append(f'<rect x="{LEFT}" y="{y:.1f}" width="{width:.1f}" height="{BAR}" fill="{colour}"/>')
        parts.append(f'<text x="{LEFT + width + 4:.1f}" y="{y + BAR - 3:.1f}" fill="#333">{_a(bar.text)}</text>')
    parts.append("</g>")


def shares_svg(bars: Sequence[Bar], *, title: str, element_id: str) -> str:
    """One bar per row, its length the share (0-100 %)."""
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + ROW * max(1, len(bars)) + 8
    parts = _open(title, element_id, height)
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        parts.append(f'<text x="{LEFT}" y="{y + 11}" fill="#1b1b1b">{_a(bar.label)}</text>')
        _bar(parts, bar, y + 15, COLOURS[1], plot_w)
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Pair:
    key: str
    label: str
    baseline: float | None  # the mean, 1-5
    end: float | None
    hidden: bool
    baseline_text: str
    end_text: str


def _on_scale(value: float | None) -> float | None:
    low, high = SCALE
    return None if value is None else (value - low) / (high - low) * 0.98 + 0.02


def impact_svg(pairs: Sequence[Pair], *, title: str, legend: tuple[str, str], element_id: str) -> str:
    """Per area, the baseline and the end mean (1-5) as two bars, with the legend below."""
    plot_w = WIDTH - LEFT - RIGHT
    row = ROW + BAR + 2
    height = TOP + row * max(1, len(pairs)) + 28
    parts = _open(title, element_id, height)
    for index, pair in enumerate(pairs):
        y = TOP + index * row
        parts.append(f'<text x="{LEFT}" y="{y + 11}" fill="#1b1b1b">{_a(pair.label)}</text>')
        for position, (value, text, word) in enumerate(((pair.baseline, pair.baseline_text, legend[0]),
                                                         (pair.end, pair.end_text, legend[1]))):
            bar = Bar(f"{pair.key}:{position}", f"{pair.label} · {word}", _on_scale(value), pair.hidden, text)
            _bar(parts, bar, y + 15 + position * (BAR + 2), COLOURS[position], plot_w)
    legend_y = height - 12
    for position, word in enumerate(legend):
        x = LEFT + position * 160
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{COLOURS[position]}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}" fill="#333">{_a(word)}</text>')
    parts.append("</svg>")
    return "".join(parts)
