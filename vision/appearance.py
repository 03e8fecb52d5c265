"""How each SKU of the identification catalogue looks from the cabinet's ceiling camera: a shape
drawn top-down, its size in millimetres and its colours (body, accent, print). Data, not code: a
new SKU is one line. The SKUs are those of tests/bench/ident_world/catalogue.csv."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Look:
    shape: str  # stick | box | roll | pad | book | blob | tool
    length_mm: float  # along the slot's depth
    width_mm: float
    body: RGB
    accent: RGB  # cap, band, spine, ring
    print_: RGB = (250, 250, 250)  # a label or lines printed on it


BLACK, WHITE, RED, BLUE = (30, 30, 34), (236, 236, 232), (200, 40, 40), (40, 70, 190)
YELLOW, GREEN, ORANGE, GREY = (240, 205, 40), (40, 150, 70), (235, 120, 30), (140, 140, 145)
CLEAR, SILVER, BROWN = (205, 215, 225), (185, 188, 192), (150, 105, 60)

LOOKS: dict[str, Look] = {
    "pen-gel-black": Look("stick", 142, 11, BLACK, GREY),
    "pen-gel-blue": Look("stick", 145, 11, CLEAR, BLUE),
    "pen-ballpoint": Look("stick", 149, 9, CLEAR, BLUE),
    "pen-pilot-g2": Look("stick", 146, 12, CLEAR, BLACK),
    "pen-uniball-eye": Look("stick", 138, 10, BLACK, SILVER),
    "marker-sharpie": Look("stick", 138, 13, BLACK, BLACK, WHITE),
    "marker-whiteboard": Look("stick", 136, 17, WHITE, BLUE),
    "highlighter": Look("stick", 120, 24, YELLOW, BLACK),
    "pencil-hb": Look("stick", 175, 7, YELLOW, BLACK),
    "mech-pencil": Look("stick", 143, 9, BLUE, SILVER),
    "eraser": Look("box", 65, 23, WHITE, BLUE),
    "correction-tape": Look("box", 85, 30, (120, 170, 220), WHITE),
    "correction-pen": Look("stick", 118, 18, WHITE, ORANGE),
    "glue-stick-21g": Look("stick", 96, 28, WHITE, RED),
    "glue-stick-8g": Look("stick", 82, 22, WHITE, (230, 40, 60)),
    "sticky-notes": Look("pad", 76, 76, YELLOW, (225, 190, 30)),
    "sticky-flags": Look("pad", 45, 30, (250, 80, 150), GREEN),
    "staples-box": Look("box", 60, 28, (200, 30, 40), WHITE),
    "paper-clips-box": Look("box", 70, 45, (60, 110, 200), WHITE),
    "binder-clips-box": Look("box", 75, 60, BLACK, ORANGE),
    "push-pins-box": Look("box", 55, 55, CLEAR, RED),
    "rubber-bands": Look("blob", 110, 80, (210, 170, 110), BROWN),
    "stapler": Look("tool", 150, 40, BLUE, SILVER),
    "stapler-heavy": Look("tool", 285, 70, BLACK, SILVER),
    "hole-punch": Look("tool", 130, 110, GREY, BLACK),
    "scissors": Look("tool", 210, 80, ORANGE, SILVER),
    "ruler-30": Look("stick", 310, 35, CLEAR, BLACK),
    "tape-clear": Look("roll", 60, 60, CLEAR, (225, 215, 180)),
    "tape-packing": Look("roll", 100, 100, (210, 170, 100), BROWN),
    "tape-dispenser": Look("tool", 160, 70, BLACK, CLEAR),
    "notebook-a5": Look("book", 210, 148, (60, 120, 180), WHITE),
    "notebook-moleskine": Look("book", 210, 130, BLACK, (60, 60, 60)),
    "notepad-a4": Look("book", 297, 210, WHITE, (90, 150, 220)),
    "envelope-c5": Look("pad", 229, 162, (235, 225, 200), (200, 190, 160)),
    "envelope-dl": Look("pad", 220, 110, WHITE, (210, 210, 210)),
    "folder-l": Look("pad", 310, 220, CLEAR, (180, 200, 220)),
    "file-box": Look("box", 320, 75, BLUE, WHITE),
    "lever-arch": Look("box", 320, 80, (30, 50, 110), WHITE),
    "ream-a4-80": Look("box", 297, 210, WHITE, BLUE),
    "ream-a4-70": Look("box", 297, 210, WHITE, GREEN),
    "usb-16": Look("box", 41, 18, BLACK, RED),
    "usb-64-metal": Look("box", 40, 13, SILVER, BLACK),
    "batteries-aa4": Look("box", 110, 60, BLACK, (200, 140, 40)),
    "batteries-aaa4": Look("box", 100, 50, BLACK, (200, 140, 40)),
    "calculator": Look("box", 150, 105, BLACK, GREY),
    "calculator-sci": Look("box", 162, 80, (40, 40, 60), SILVER),
    "toner-hp": Look("box", 380, 110, WHITE, BLUE),
    "mouse": Look("blob", 100, 60, GREY, BLACK),
    "sticky-tack": Look("box", 120, 80, BLUE, WHITE),
    "label-roll": Look("roll", 80, 80, WHITE, BLACK),
}
