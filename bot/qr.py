"""QR code pictures of invite links, for printing or showing on a screen."""

from __future__ import annotations

import re
from pathlib import Path

import qrcode


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-")[:60] or "invite"


def write_qr(folder: Path, link: str, code: str, label: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_slug(label or 'invite')}-{code}.png"
    qrcode.make(link).save(path)
    return path



def qr_svg(link: str) -> str:
    """The QR code of `link` as an inline <svg> element, one path of dark runs, to print in a page.

    The mask pattern is fixed (any of the eight is valid and scans): searching the best one
    costs eight times the work, too much for a sheet of a few hundred codes.
    """
    code = qrcode.QRCode(border=2, mask_pattern=0)
    code.add_data(link, optimize=0)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for y, line in enumerate(matrix):
        x = 0
        while x < len(line):
            if line[x]:
                start = x
                while x < len(line) and line[x]:
                    x += 1
                runs.append(f"M{start},{y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    size = len(matrix)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr" aria-hidden="true" '
            f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{"".join(runs)}" fill="#000"/></svg>')
