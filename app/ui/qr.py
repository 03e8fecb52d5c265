"""QR codes as images the page can show and print (a data URI: no file, nothing stored)."""

from __future__ import annotations

import segno


def qr_data_uri(text: str, scale: int = 4) -> str:
    """An SVG QR code of `text` (error correction M: a label survives some wear)."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def print_only(selector: str) -> str:
    """A print stylesheet: printing the page prints only `selector` (a QR card), at the top."""
    return (
        "@media print { body * { visibility: hidden !important; } "
        f"{selector}, {selector} * {{ visibility: visible !important; }} "
        f"{selector} {{ position: fixed; left: 0; top: 0; }} }}"
    )
