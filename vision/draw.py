"""Drawing the detector's evidence on a camera image (no app import: the console's drawers,
the phone and the cabinet page's camera view all draw the same way)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
REGION = (255, 200, 0)
BOX = (0, 220, 90)
DOUBTFUL = (255, 90, 60)
Region = tuple[str, list[list[float]], dict[str, int]]  # slot code, polygon, counts in it


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} ×{n}" for name, n in sorted(counts.items())) or "—"


def annotate(
    image: Image.Image,
    detections: list[dict],
    regions: list[Region],
    counted: float = 0.5,
) -> bytes:
    """The image with each region (code and counts) and each box (class and confidence)."""
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    small, label = _font(11), _font(13)
    for code, polygon, counts in regions:
        draw.polygon([tuple(p) for p in polygon], outline=REGION, width=2)
        x, y = polygon[0]
        text = f"{code}: {counts_text(counts)}"
        draw.rectangle(draw.textbbox((x + 3, y + 3), text, font=label), fill=(0, 0, 0))
        draw.text((x + 3, y + 3), text, fill=REGION, font=label)
    for d in detections:
        colour = BOX if d["confidence"] >= counted else DOUBTFUL
        x0, y0, x1, y1 = d["box"]
        draw.rectangle((x0, y0, x1, y1), outline=colour, width=2)
        caption = f"{d['name']} {d['confidence']:.2f}"
        draw.text((x0 + 2, max(0, y0 - 12)), caption, fill=colour, font=small)
    return jpeg(image)


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, subsampling=0)  # thin coloured lines stay sharp
    return out.getvalue()
