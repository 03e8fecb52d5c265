"""Is it an image, judged by its bytes alone (never by a header or a file name): the magic number
says JPEG or PNG, then Pillow must open it, verify it and decode it whole, within 4096 × 4096.
A camera's truncated frame fails the decode, so a cabinet learns at once that it must send
again (docs/protocol.md § 13)."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from hardware.snapshots import MAGIC

MAX_SIDE = 4096
PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSION = {"image/jpeg": "jpg", "image/png": "png"}


class ImageRefused(ValueError):
    """Not an image we take; `code` is not_an_image, bad_image or image_too_large."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def sniffed_type(data: bytes) -> str | None:
    """image/jpeg or image/png by the magic number, else None."""
    return next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), None)


def checked_image(data: bytes, kind: str) -> tuple[int, int]:
    """The (width, height) of an image whose magic said `kind`; ImageRefused when Pillow cannot
    open, verify or decode it as that format, or it is larger than MAX_SIDE on a side."""
    try:
        with warnings.catch_warnings():
            # the size is checked below, before a pixel is decoded
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[kind]]) as opened:
                size, found = opened.size, opened.format
                if found != PILLOW_FORMAT[kind]:
                    raise ImageRefused("bad_image", f"Pillow reads it as {found}, not {kind}")
                if max(size) > MAX_SIDE:
                    raise ImageRefused("image_too_large", f"{size[0]}×{size[1]} > {MAX_SIDE}")
                opened.verify()
            # verify() leaves the image unusable: open it again to decode it
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[kind]]) as decoded:
                decoded.load()
    except ImageRefused:
        raise
    except Image.DecompressionBombError as bad:
        raise ImageRefused("image_too_large", str(bad)[:200]) from None
    except Exception as bad:  # untrusted bytes: whatever the parser raises, it is no image
        raise ImageRefused("bad_image", f"{type(bad).__name__}: {bad}"[:200]) from None
    return size
