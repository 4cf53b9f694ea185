"""The dashboard's chart as inline SVG, drawn on the server (no JavaScript): per programme week, one
bar per measure, its height the share done (0-100 %).

Every bar is a `<g class="point">` with its week and measure and a `<title>` saying the figure as
the table does; a share hidden by the small-cell rule draws "—" instead of a bar; a week with no
one to count draws nothing but keeps its place. The whole chart is `role="img"` with a title and an
aria label; the table beside it carries the same numbers for screen readers. Plain CPU work on
plain data: the console draws it off the event loop (mentoring/offload.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from mentoring.console.dashboard import MEASURES, WeekRow

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 64  # margins: axis labels left, week numbers and legend below
COLOURS = {"reflections": "#1f5fa8", "checkins": "#c0501a", "attendance": "#2e7d32"}  # readable on white


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def participation_svg(rows: Sequence[WeekRow], *, title: str, legend: Mapping[str, str], week_word: str,
                      element_id: str = "participation-chart") -> str:
    """The chart; `legend` names each measure, `week_word` is a format with {week} ("Week {week}")."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    slot = plot_w / max(1, len(rows))
    bar = min(18.0, slot / (len(MEASURES) + 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{element_id}-title" font-family="sans-serif" font-size="11">',
        f'<title id="{element_id}-title">{_a(title)}</title>',
    ]
    for percent in (0, 50, 100):  # the axis: three lines are enough to read a share
        y = base - plot_h * percent / 100
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#bbb" '
                     f'stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{percent}%</text>')
    for index, row in enumerate(rows):
        x0 = LEFT + index * slot + (slot - bar * len(MEASURES)) / 2
        for position, measure in enumerate(MEASURES):
            cell = row.cells[measure]
            x = x0 + position * bar
            label = f"{week_word.format(week=row.week)} · {legend[measure]}: {cell.shown_done}/{cell.shown_of}"
            parts.append(f'<g class="point" data-week="{row.week}" data-measure="{measure}">'
                         f'<title>{_a(label)}</title>')
            if cell.hidden:
                parts.append(f'<text x="{x + bar / 2:.1f}" y="{base - 3:.1f}" text-anchor="middle" '
                             f'fill="#333">—</text>')
            elif cell.share is not None:
                height = plot_h * cell.share
                parts.append(f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{bar - 2:.1f}" '
                             f'height="{height:.1f}" fill="{COLOURS[measure]}"/>')
            parts.append("</g>")
        parts.append(f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{base + 14}" text-anchor="middle" '
                     f'fill="#333">{row.week}</text>')
    for position, measure in enumerate(MEASURES):  # the legend, one line per measure
        line_y = base + 28 + position * 13
        parts.append(f'<rect x="{LEFT}" y="{line_y - 9}" width="10" height="10" fill="{COLOURS[measure]}"/>')
        parts.append(f'<text x="{LEFT + 14}" y="{line_y}" fill="#333">{_a(legend[measure])}</text>')
    parts.append("</svg>")
    return "".join(parts)
