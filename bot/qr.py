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
