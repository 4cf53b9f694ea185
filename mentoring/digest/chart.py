"""The digest's chart: weekly participation (bars) and average confidence (line), as a PNG.

It carries no words, only numbers, so one image serves mentors of every
language; the digest's text says what it shows. Made with Pillow.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from mentoring.digest.model import GroupDigest

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 20, 36
BAR = (120, 170, 220)
LINE = (200, 60, 40)
AXIS = (90, 90, 90)
GRID = (225, 225, 225)


def chart_png(digest: GroupDigest) -> bytes:
    """The chart of weeks 1..digest.week as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_h
    for step in range(5):  # grid: 0-100 % on the left, confidence 1-5 on the right
        y = bottom - plot_h * step / 4
        draw.line([(LEFT, y), (WIDTH - RIGHT, y)], fill=GRID)
        draw.text((4, y - 6), f"{25 * step}%", fill=AXIS, font=font)
        draw.text((WIDTH - RIGHT + 8, y - 6), str(1 + step), fill=LINE, font=font)
    points = digest.trend
    slot = plot_w / max(1, len(points))
    line: list[tuple[float, float]] = []
    for index, point in enumerate(points):
        x0 = LEFT + index * slot
        share = point.reflected / point.mentees if point.mentees else 0
        draw.rectangle([x0 + slot * 0.15, bottom - plot_h * min(share, 1), x0 + slot * 0.85, bottom], fill=BAR)
        if point.confidence is not None:
            line.append((x0 + slot / 2, bottom - plot_h * (point.confidence - 1) / 4))
        if len(points) <= 13 or point.week % 2 == 1:
            draw.text((x0 + slot / 2 - 4, bottom + 6), str(point.week), fill=AXIS, font=font)
    if len(line) > 1:
        draw.line(line, fill=LINE, width=3)
    for x, y in line:
        draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=LINE)
    draw.line([(LEFT, TOP), (LEFT, bottom), (WIDTH - RIGHT, bottom)], fill=AXIS, width=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_chart(digest: GroupDigest, folder: Path) -> Path:
    """Write the chart for the outbox to send later; the name is stable, so a rerun overwrites it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-{digest.group_id}-w{digest.week}.png"
    partial = path.with_suffix(".tmp")
    partial.write_bytes(chart_png(digest))
    os.replace(partial, path)  # the sender never reads a half-written file
    return path


def write_charts(digests: Sequence[GroupDigest], folder: Path) -> dict[int, Path]:
    """Write each digest's chart (`write_chart`); group id -> file. Plain CPU and file work on plain data,
    so the planner runs it off the event loop (`mentoring.offload`)."""
    return {digest.group_id: write_chart(digest, folder) for digest in digests}
