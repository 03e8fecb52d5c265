"""Top-down images of a cabinet shelf as its ceiling camera sees it, with exact labels: the
training data of the detector and the simulator's snapshots (different seeds).

Every instance is drawn into the image and, with its own id, into an id mask; the mask takes the
same geometric distortion as the image (nearest neighbour), so each label is read back from what
is visible after stacking, occlusion by later instances or a hand, and lens distortion — never
from where the instance was meant to go. An instance less than MIN_VISIBLE visible is not
labelled: the camera cannot be asked to count it."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter

from vision.appearance import LOOKS, RGB, Look

CLASSES: tuple[str, ...] = (*LOOKS, "foreign")
CLASS_ID = {name: index for index, name in enumerate(CLASSES)}
MIN_VISIBLE = 0.35
HAND_ID = 255  # occludes, never labelled
MAX_INSTANCES = 250


@dataclass(frozen=True)
class SlotRegion:
    code: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels


@dataclass(frozen=True)
class SlotContent:
    region: SlotRegion
    sku: str | None  # None: an empty slot
    count: int = 0
    mix: tuple[tuple[str, int], ...] = ()  # more SKUs sharing the slot: (sku, count)

    def items(self) -> list[tuple[str, int]]:
        first = [(self.sku, self.count)] if self.sku is not None else []
        return [*first, *self.mix]


@dataclass(frozen=True)
class Scene:
    width: int
    height: int
    mm_per_px: float
    slots: tuple[SlotContent, ...]
    hand: bool = False
    foreign: bool = False
    foreign_slot: str | None = None  # where the foreign object lies (None: anywhere)


@dataclass(frozen=True)
class Label:
    name: str  # a SKU or "foreign"
    slot: str | None  # the slot its centre lies in
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), in the output image
    visible: float  # share of the drawn instance left visible
    # the smallest rectangle along the instance's own axes round its visible pixels: 4 corners
    corners: tuple[tuple[float, float], ...] = ()

    def yolo(self, width: int, height: int) -> str:
        x0, y0, x1, y1 = self.box
        cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
        size = f"{(x1 - x0) / width:.6f} {(y1 - y0) / height:.6f}"
        return f"{CLASS_ID[self.name]} {cx:.6f} {cy:.6f} {size}"

    def rectangle(self) -> tuple[float, float, float, float, float]:
        """The oriented box as (cx, cy, w, h, angle of w in radians)."""
        (ax, ay), (bx, by), _, (dx, dy) = self.corners
        cx = sum(x for x, _ in self.corners) / 4
        cy = sum(y for _, y in self.corners) / 4
        w, h = math.hypot(bx - ax, by - ay), math.hypot(dx - ax, dy - ay)
        return (cx, cy, w, h, math.atan2(by - ay, bx - ax))

    def yolo_oriented(self, width: int, height: int) -> str:
        """ultralytics' OBB label: the class and the 4 corners, normalised."""
        points = " ".join(
            f"{min(1.0, max(0.0, x / width)):.6f} {min(1.0, max(0.0, y / height)):.6f}"
            for x, y in self.corners
        )
        return f"{CLASS_ID[self.name]} {points}"


@dataclass
class _Canvas:
    image: Image.Image
    mask: Image.Image  # "L": 0 background, 1..MAX_INSTANCES instances, HAND_ID the hand
    # id -> (name, pixels drawn, the angle it was turned by in degrees)
    drawn: dict[int, tuple[str, int, float]] = field(default_factory=dict)


def _jitter(colour: RGB, rng: random.Random, amount: int = 12) -> RGB:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)  # type: ignore[return-value]


def _sprite(look: Look, mm_per_px: float, rng: random.Random) -> Image.Image:
    """One instance, drawn top-down along its length (vertical), on a transparent sprite."""
    length = max(6, round(look.length_mm / mm_per_px * rng.uniform(0.97, 1.03)))
    width = max(4, round(look.width_mm / mm_per_px * rng.uniform(0.97, 1.03)))
    sprite = Image.new("RGBA", (width, length), (0, 0, 0, 0))
    draw = ImageDraw.Draw(sprite)
    body, accent, ink = _jitter(look.body, rng), _jitter(look.accent, rng), look.print_
    w, h = width - 1, length - 1
    if look.shape == "stick":
        draw.rounded_rectangle((0, 0, w, h), radius=width // 2, fill=body)
        draw.rounded_rectangle((0, 0, w, h // 4), radius=width // 2, fill=accent)  # cap
        draw.line((w // 2, h // 3, w // 2, h * 5 // 6), fill=ink, width=max(1, width // 6))
    elif look.shape == "roll":
        draw.ellipse((0, 0, w, h), fill=body, outline=accent, width=max(2, width // 10))
        hole = width // 3
        draw.ellipse((hole, hole, w - hole, h - hole), fill=(0, 0, 0, 0), outline=accent)
    elif look.shape == "pad":
        draw.rectangle((0, 0, w, h), fill=body, outline=accent, width=max(1, width // 25))
        for y in range(h // 6, h, max(3, h // 6)):
            draw.line((w // 8, y, w * 7 // 8, y), fill=accent, width=1)
    elif look.shape == "book":
        draw.rectangle((0, 0, w, h), fill=body)
        draw.rectangle((0, 0, max(2, w // 10), h), fill=accent)  # spine or spiral
        draw.rectangle((w // 3, h // 6, w * 5 // 6, h // 3), fill=ink)  # the cover's label
    elif look.shape == "blob":
        draw.ellipse((0, 0, w, h), fill=body, outline=accent, width=max(1, width // 12))
    elif look.shape == "tool":
        draw.rounded_rectangle((0, 0, w, h), radius=max(2, width // 4), fill=body)
        draw.rounded_rectangle((w // 5, h // 8, w * 4 // 5, h * 5 // 8), radius=2, fill=accent)
    else:  # box
        draw.rectangle((0, 0, w, h), fill=body, outline=_jitter(body, rng, 30))
        draw.rectangle((0, h // 3, w, h // 2), fill=accent)  # the brand band
        draw.rectangle((w // 4, h * 3 // 5, w * 3 // 4, h * 4 // 5), fill=ink)
    return sprite


def _place(
    canvas: _Canvas,
    sprite: Image.Image,
    name: str,
    centre: tuple[float, float],
    angle: float,
    instance_id: int,
) -> None:
    turned = sprite.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    alpha = turned.getchannel("A").point(lambda a: 255 if a > 127 else 0)
    x = round(centre[0] - turned.width / 2)
    y = round(centre[1] - turned.height / 2)
    canvas.image.paste(turned.convert("RGB"), (x, y), alpha)
    canvas.mask.paste(instance_id, (x, y, x + turned.width, y + turned.height), alpha)
    pixels = alpha.histogram()[255]
    if instance_id != HAND_ID:
        canvas.drawn[instance_id] = (name, pixels, angle)


def _fill_slot(canvas: _Canvas, content: SlotContent, scene: Scene, rng: random.Random) -> None:
    for sku, count in content.items():
        _fill(canvas, content.region.box, sku, count, scene, rng)


def _fill(
    canvas: _Canvas,
    box: tuple[int, int, int, int],
    sku: str,
    count: int,
    scene: Scene,
    rng: random.Random,
) -> None:
    look = LOOKS[sku]
    x0, y0, x1, y1 = box
    for _ in range(count):
        instance_id = len(canvas.drawn) + 1
        if instance_id > MAX_INSTANCES:
            return
        sprite = _sprite(look, scene.mm_per_px, rng)
        half_w, half_h = sprite.width / 2, sprite.height / 2
        crosswise = sprite.height < (x1 - x0) * 0.9 and rng.random() < 0.1  # laid across
        angle = rng.gauss(0, 6) + (90 if crosswise else 0)
        if crosswise:
            half_w, half_h = half_h, half_w
        cx = rng.uniform(x0 + half_w * 0.6, max(x0 + half_w * 0.6, x1 - half_w * 0.6))
        cy = rng.uniform(y0 + half_h * 0.6, max(y0 + half_h * 0.6, y1 - half_h * 0.6))
        _place(canvas, sprite, sku, (cx, cy), angle, instance_id)


def _foreign(canvas: _Canvas, scene: Scene, rng: random.Random) -> None:
    """Something that is no SKU of ours: a phone, a cup, a wallet — a random solid shape."""
    size = rng.randint(scene.width // 12, scene.width // 6)
    sprite = Image.new("RGBA", (size, round(size * rng.uniform(0.5, 1.8))), (0, 0, 0, 0))
    draw = ImageDraw.Draw(sprite)
    colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
    draw.rounded_rectangle(
        (0, 0, sprite.width - 1, sprite.height - 1), radius=size // 5, fill=colour
    )
    x0, y0, x1, y1 = 0, 0, scene.width, scene.height
    for content in scene.slots:
        if content.region.code == scene.foreign_slot:
            x0, y0, x1, y1 = content.region.box
    centre = (rng.uniform(x0, x1), rng.uniform(y0, y1))
    _place(canvas, sprite, "foreign", centre, rng.uniform(0, 360), len(canvas.drawn) + 1)


def _hand(canvas: _Canvas, scene: Scene, rng: random.Random) -> None:
    """A hand reaching in from the door side (the bottom edge): occludes, is never labelled."""
    skin = _jitter((222, 178, 150), rng, 25)
    width = scene.width // 7
    sprite = Image.new("RGBA", (width, width * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(sprite)
    draw.rounded_rectangle((0, width // 2, width - 1, width * 2 - 1), radius=width // 3, fill=skin)
    for n in range(4):
        x = n * width // 4
        draw.rounded_rectangle((x + 1, 0, x + width // 4 - 2, width), radius=width // 10, fill=skin)
    centre = (rng.uniform(width, scene.width - width), scene.height - rng.uniform(width, 2 * width))
    _place(canvas, sprite, "hand", centre, rng.uniform(-25, 25), HAND_ID)


def _background(scene: Scene, rng: random.Random) -> Image.Image:
    base = _jitter(rng.choice([(205, 205, 200), (180, 182, 186), (196, 170, 130)]), rng, 15)
    image = Image.new("RGB", (scene.width, scene.height), base)
    draw = ImageDraw.Draw(image)
    divider = _jitter((120, 122, 126), rng, 10)
    for content in scene.slots:
        draw.rectangle(content.region.box, outline=divider, width=2)
    return image


def _barrel_mesh(width: int, height: int, k: float, cells: int = 8) -> list:
    """A PIL MESH for radial (barrel, k > 0) lens distortion: each output cell from its source."""

    def source(x: float, y: float) -> tuple[float, float]:
        nx, ny = (x - width / 2) / (width / 2), (y - height / 2) / (height / 2)
        scale = 1 + k * (nx * nx + ny * ny)
        return width / 2 + nx * scale * width / 2, height / 2 + ny * scale * height / 2

    mesh = []
    for i in range(cells):
        for j in range(cells):
            x0, x1 = width * i / cells, width * (i + 1) / cells
            y0, y1 = height * j / cells, height * (j + 1) / cells
            quad = (*source(x0, y0), *source(x0, y1), *source(x1, y1), *source(x1, y0))
            mesh.append(((round(x0), round(y0), round(x1), round(y1)), quad))
    return mesh


def _camera(canvas: _Canvas, rng: random.Random) -> None:
    """Lens distortion (image and mask alike), then light, white balance, blur and noise."""
    width, height = canvas.image.size
    mesh = _barrel_mesh(width, height, rng.uniform(-0.02, 0.08))
    canvas.image = canvas.image.transform(
        canvas.image.size, Image.Transform.MESH, mesh, Image.Resampling.BILINEAR
    )
    canvas.mask = canvas.mask.transform(
        canvas.mask.size, Image.Transform.MESH, mesh, Image.Resampling.NEAREST
    )
    gains = [rng.uniform(0.85, 1.15) for _ in range(3)]
    channels = [
        c.point(lambda v, g=g: min(255, int(v * g)))
        for c, g in zip(canvas.image.split(), gains, strict=True)
    ]
    image = Image.merge("RGB", channels)
    light = Image.linear_gradient("L").rotate(
        rng.uniform(0, 360), resample=Image.Resampling.BILINEAR, fillcolor=128
    )
    light = light.resize((width, height), Image.Resampling.BILINEAR)
    low, span = rng.uniform(150, 190), rng.uniform(40, 85)  # uneven light across the shelf
    light = light.point(lambda v: int(low + v * span / 255))
    image = ImageChops.multiply(image, Image.merge("RGB", (light, light, light)))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(1.1, 1.45))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.2)))
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))  # seeded
    canvas.image = Image.blend(image, grain.convert("RGB"), rng.uniform(0.03, 0.08))


def _slot_of(scene: Scene, box: tuple[int, int, int, int]) -> str | None:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for content in scene.slots:
        x0, y0, x1, y1 = content.region.box
        if x0 <= cx < x1 and y0 <= cy < y1:
            return content.region.code
    return None


def _oriented(
    pixels: np.ndarray, box: tuple[int, int, int, int], angle: float
) -> tuple[tuple[float, float], ...]:
    """The 4 corners of the smallest rectangle round `pixels` (True where the instance is
    visible inside `box`) along the axes it was turned to. Which way a turn by `angle` goes
    after the image's y-down axis and the lens is not assumed: both signs are tried."""
    rows, columns = np.nonzero(pixels)
    xs, ys = columns + box[0] + 0.5, rows + box[1] + 0.5
    best: tuple[float, tuple[tuple[float, float], ...]] | None = None
    for theta in (math.radians(angle), -math.radians(angle)):
        u, v = (math.cos(theta), math.sin(theta)), (-math.sin(theta), math.cos(theta))
        along_u, along_v = xs * u[0] + ys * u[1], xs * v[0] + ys * v[1]
        lo_u, hi_u = float(along_u.min()) - 0.5, float(along_u.max()) + 0.5
        lo_v, hi_v = float(along_v.min()) - 0.5, float(along_v.max()) + 0.5
        area = (hi_u - lo_u) * (hi_v - lo_v)
        corners = tuple(
            (a * u[0] + b * v[0], a * u[1] + b * v[1])
            for a, b in ((lo_u, lo_v), (hi_u, lo_v), (hi_u, hi_v), (lo_u, hi_v))
        )
        if best is None or area < best[0]:
            best = (area, corners)
    assert best is not None
    return best[1]


def _labels(canvas: _Canvas, scene: Scene) -> list[Label]:
    visible = canvas.mask.histogram()
    ids = np.asarray(canvas.mask)
    labels = []
    for instance_id, (name, drawn, angle) in sorted(canvas.drawn.items()):
        share = visible[instance_id] / drawn if drawn else 0.0
        if share < MIN_VISIBLE:
            continue
        box = canvas.mask.point(lambda v, i=instance_id: 255 if v == i else 0).getbbox()
        if box is not None:
            seen = ids[box[1] : box[3], box[0] : box[2]] == instance_id
            corners = _oriented(seen, box, angle)
            labels.append(Label(name, _slot_of(scene, box), box, round(share, 3), corners))
    return labels


def render(
    scene: Scene, rng: random.Random, *, optics: bool = True
) -> tuple[Image.Image, list[Label]]:
    """The camera's image of the scene and the label of every instance visible enough
    (`optics=False`: no lens, light or noise — what was drawn, as it was drawn)."""
    canvas = _Canvas(_background(scene, rng), Image.new("L", (scene.width, scene.height), 0))
    for content in scene.slots:
        _fill_slot(canvas, content, scene, rng)
    if scene.foreign:
        _foreign(canvas, scene, rng)
    if scene.hand:
        _hand(canvas, scene, rng)
    if optics:
        _camera(canvas, rng)
    return canvas.image, _labels(canvas, scene)


def counts(labels: list[Label]) -> dict[str, dict[str, int]]:
    """Per slot, how many of each SKU (or foreign object) the labels hold."""
    out: dict[str, dict[str, int]] = {}
    for label in labels:
        per_slot = out.setdefault(label.slot or "-", {})
        per_slot[label.name] = per_slot.get(label.name, 0) + 1
    return out


FOREIGN_SHARE = 0.1  # shelves with a foreign object, as the held-out evaluation draws them


def random_scene(
    rng: random.Random, width: int = 640, height: int = 480, foreign_share: float = FOREIGN_SHARE
) -> Scene:
    """A shelf of 2-3 columns by 2 rows of slots, each with a SKU that fits it (or empty), a
    random count up to a little more than fits (stacking), sometimes a hand or a foreign object
    (`foreign_share` of the shelves)."""
    columns, rows = rng.choice([(2, 2), (3, 2), (3, 1), (2, 1)])
    mm_per_px = rng.uniform(0.9, 1.3)
    slots = []
    for r in range(rows):
        for c in range(columns):
            box = (
                c * width // columns,
                r * height // rows,
                (c + 1) * width // columns,
                (r + 1) * height // rows,
            )
            region = SlotRegion(f"{'AB'[r]}{c + 1}", box)
            slot_w, slot_h = (box[2] - box[0]) * mm_per_px, (box[3] - box[1]) * mm_per_px
            fitting = [
                s
                for s, look in LOOKS.items()
                if look.length_mm < slot_h * 0.9 and look.width_mm < slot_w * 0.9
            ]
            if not fitting or rng.random() < 0.12:
                slots.append(SlotContent(region, None))
                continue
            sku = rng.choice(fitting)
            look = LOOKS[sku]
            fits = max(1, int((slot_w * slot_h) / (look.length_mm * look.width_mm) * 0.6))
            slots.append(SlotContent(region, sku, rng.randint(0, min(fits + 2, 12))))
    return Scene(
        width,
        height,
        mm_per_px,
        tuple(slots),
        hand=rng.random() < 0.15,
        foreign=rng.random() < foreign_share,
    )
