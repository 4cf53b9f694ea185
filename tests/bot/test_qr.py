"""The invite sheet's QR codes: the inline SVG draws exactly the code's dark modules."""

from __future__ import annotations

import re

import qrcode

from bot.qr import qr_svg


def drawn(svg: str) -> list[list[bool]]:
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    cells = [[False] * size for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", svg):
        for column in range(int(x), int(x) + int(width)):
            assert not cells[int(y)][column], "two runs over one module"
            cells[int(y)][column] = True
    return cells


def test_the_svg_draws_the_codes_modules_and_nothing_else() -> None:
    link = "https://wa.me/905551112233?text=abcdefghjk"
    code = qrcode.QRCode(border=2, mask_pattern=0)
    code.add_data(link, optimize=0)
    code.make(fit=True)
    svg = qr_svg(link)
    assert svg.startswith("<svg ") and 'aria-hidden="true"' in svg and "<?xml" not in svg
    assert drawn(svg) == code.get_matrix()
    assert qr_svg("https://t.me/narbot_bot?start=abcdefghjk") != svg
