"""python -m vision.dataset --out DIR [--seed N] [--train 800] [--val 200] [--size 640x480]

A YOLO data set of generated shelf images (vision/shelf.py): images/{train,val}/*.jpg, one
labels/{train,val}/*.txt per image (class cx cy w h, or with --oriented class and 4 corners,
normalised), data.yaml naming the classes.
The same seed gives the same files; training and evaluation must use different seeds."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from vision.shelf import CLASSES, FOREIGN_SHARE, random_scene, render

# One foreign object among ~60 items: at the evaluation's share (one shelf in ten) a training set
# holds too few for the detector ever to predict the class; training shows it on a third.
TRAIN_FOREIGN_SHARE = 0.35


def write_split(
    root: Path,
    split: str,
    count: int,
    rng: random.Random,
    size: tuple[int, int],
    foreign_share: float = FOREIGN_SHARE,
    oriented: bool = False,
) -> int:
    """`count` images and their labels into `root`; how many labels were written."""
    images, labels = root / "images" / split, root / "labels" / split
    images.mkdir(parents=True, exist_ok=True)
    labels.mkdir(parents=True, exist_ok=True)
    written = 0
    for n in range(count):
        scene = random_scene(rng, *size, foreign_share=foreign_share)
        image, found = render(scene, rng)
        image.save(images / f"{n:05d}.jpg", quality=rng.randint(80, 95))
        lines = [
            label.yolo_oriented(scene.width, scene.height)
            if oriented
            else label.yolo(scene.width, scene.height)
            for label in found
        ]
        (labels / f"{n:05d}.txt").write_text("\n".join(lines) + ("\n" if lines else ""))
        written += len(lines)
    return written


def write_dataset(
    root: Path,
    *,
    seed: int,
    train: int,
    val: int,
    size: tuple[int, int],
    oriented: bool = False,
) -> Path:
    """The data set; `oriented`: labels as 4 corners (ultralytics' OBB task), not upright boxes."""
    rng = random.Random(seed)
    write_split(root, "train", train, rng, size, TRAIN_FOREIGN_SHARE, oriented)
    write_split(root, "val", val, rng, size, oriented=oriented)
    names = "\n".join(f"  {index}: {name}" for index, name in enumerate(CLASSES))
    data = root / "data.yaml"
    data.write_text(
        f"path: {root.resolve()}\ntrain: images/train\nval: images/val\nnames:\n{names}\n"
    )
    return data


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m vision.dataset", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train", type=int, default=800)
    parser.add_argument("--val", type=int, default=200)
    parser.add_argument("--size", default="640x480", help="WIDTHxHEIGHT")
    parser.add_argument("--oriented", action="store_true", help="oriented boxes (OBB task)")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    data = write_dataset(
        args.out,
        seed=args.seed,
        train=args.train,
        val=args.val,
        size=(int(width), int(height)),
        oriented=args.oriented,
    )
    print(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
