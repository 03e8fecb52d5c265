"""python -m vision.train [--seed 1] [--train 700] [--val 150] [--epochs 16] [--imgsz 352]
    [--identifier-epochs 6]

Trains the shelf detector on the CPU, offline: generates the data set from the seed
(vision/dataset.py), builds a YOLO11 nano from its yaml (no weights are downloaded: ultralytics
runs with YOLO_OFFLINE, no auto-install, and a settings folder inside the project that already
holds the font its plots would fetch), trains that one-class detector a fixed number of epochs
with that seed and exports its best weights to ONNX at the camera's aspect (shelf.onnx); then
trains the identifier on crops of the same images, the detector's own boxes among them
(vision/train_identity.py: identify.onnx), fits the confidence curve on the validation images
(vision/calibrate.py) and writes the card (card.json), all into vision/model/.

The web app never imports this module or ultralytics: it runs the exported ONNX file with
onnxruntime (vision/detector.py). Needs the vision extra: `make vision-venv`
(requirements-vision.txt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "vision" / "model"
WORK_DIR = ROOT / "data" / "vision-train"
SETTINGS_DIR = ROOT / "data" / "ultralytics"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CAMERA_SIZE = (640, 480)  # what the cabinets' cameras send (vision/shelf.py draws this size)


def offline_ultralytics() -> None:
    """Environment for ultralytics that never reaches the internet; before it is imported."""
    SETTINGS_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("Arial.ttf", "Arial.Unicode.ttf"):
        if FONT.exists() and not (SETTINGS_DIR / name).exists():
            shutil.copy(FONT, SETTINGS_DIR / name)
    os.environ.update(
        YOLO_OFFLINE="1",
        YOLO_AUTOINSTALL="false",
        YOLO_CONFIG_DIR=str(SETTINGS_DIR),
        YOLO_VERBOSE=os.environ.get("YOLO_VERBOSE", "true"),
    )


def inference_shape(imgsz: int) -> tuple[int, int]:
    """(height, width) of the exported model's input: the camera's aspect, `imgsz` wide,
    the height rounded up to the network's stride of 32."""
    width, height = CAMERA_SIZE
    scaled = imgsz * height / width
    return (int(-(-scaled // 32) * 32), imgsz)


def train(args: argparse.Namespace) -> dict:
    offline_ultralytics()
    from ultralytics import YOLO  # the vision extra only

    from vision.dataset import TRAIN_FOREIGN_SHARE, write_dataset
    from vision.detector import ObjectFinder
    from vision.evaluate import calibrate
    from vision.shelf import CLASSES
    from vision.train_identity import train_identifier

    started = time.monotonic()
    kind = "obb" if args.oriented else "upright"
    data = write_dataset(
        _data_dir(args.seed, args.train, args.val, args.oriented),
        seed=args.seed,
        train=args.train,
        val=args.val,
        size=CAMERA_SIZE,
        oriented=args.oriented,
    )
    generated_s = time.monotonic() - started
    # Oriented boxes: a thin pen lying at a slant fills a small part of its upright box, and
    # neighbours' upright boxes overlap; its own rectangle does neither.
    model = YOLO("yolo11n-obb.yaml" if args.oriented else "yolo11n.yaml")
    settings = dict(
        data=str(data),
        epochs=args.epochs,
        imgsz=args.imgsz,
        batch=args.batch,
        workers=args.workers,
        device="cpu",
        seed=args.seed,
        deterministic=True,
        pretrained=False,
        # One class, "object": the detector only finds things; the identifier names them from
        # a full-resolution crop (vision/train_identity.py). 51 classes split 700 shelves into
        # ~300 boxes each, and from scratch in 16 epochs no class got confident.
        single_cls=True,
        amp=False,
        plots=False,
        close_mosaic=max(1, args.epochs // 6),
        # From scratch in few epochs: "auto" would pick AdamW at lr 2e-4 for 51 classes, far too
        # slow to learn anything in a 30-minute budget; the camera's scale barely varies.
        optimizer="AdamW",
        lr0=args.lr,
        warmup_epochs=1,
        scale=0.25,
        flipud=0.5,
        # The generator already varies light and white balance; colour is half of what tells
        # SKUs apart, so ultralytics' strong default saturation/brightness jitter is tamed.
        hsv_s=0.2,
        hsv_v=0.2,
        cache="ram",
        project=str(WORK_DIR / "runs"),
        name=f"seed{args.seed}-{kind}",
        exist_ok=True,
        verbose=True,
    )
    results = model.train(**(settings | args.overrides))
    detector_s = time.monotonic() - started - generated_s
    best = Path(model.trainer.best)
    exported = Path(
        YOLO(str(best)).export(
            format="onnx", imgsz=inference_shape(args.imgsz), simplify=False, dynamic=False
        )
    )
    model_dir = args.model_dir
    model_dir.mkdir(parents=True, exist_ok=True)
    target = model_dir / "shelf.onnx"
    store_weights_half(exported, target)
    metrics = getattr(results, "results_dict", {}) or {}
    identifier = train_identifier(
        data.parent,
        list(CLASSES),
        model_dir / "identify.onnx",
        seed=args.seed,
        epochs=args.identifier_epochs,
        finder=ObjectFinder(target, inference_shape(args.imgsz)),
        along=args.oriented,
    )
    trained_s = time.monotonic() - started - generated_s
    card = {
        "model": "shelf.onnx",
        "architecture": f"YOLO11n{'-obb' if args.oriented else ''} (ultralytics"
        f" yolo11n{'-obb' if args.oriented else ''}.yaml, trained from scratch, one class)"
        " finds objects; a small CNN on each object's full-resolution crop names it",
        "oriented": args.oriented,
        "ultralytics": _version("ultralytics"),
        "torch": _version("torch"),
        "data_seed": args.seed,
        "train_images": args.train,
        "val_images": args.val,
        "train_foreign_share": TRAIN_FOREIGN_SHARE,
        "camera_size": list(CAMERA_SIZE),
        "imgsz": args.imgsz,
        "input_hw": list(inference_shape(args.imgsz)),
        "epochs": args.epochs,
        "batch": args.batch,
        "lr0": args.lr,
        "overrides": args.overrides,
        "generate_s": round(generated_s, 1),
        "train_s": round(trained_s, 1),
        "detector_train_s": round(detector_s, 1),
        "val_map50": round(float(metrics.get("metrics/mAP50(B)", 0.0)), 4),
        "val_map50_95": round(float(metrics.get("metrics/mAP50-95(B)", 0.0)), 4),
        "val_map50_per_epoch": _curve(Path(model.trainer.save_dir) / "results.csv"),
        "classes": list(CLASSES),
        **identifier,
        "bytes": target.stat().st_size,
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "cpu_count": os.cpu_count(),
    }
    _write_card(model_dir, card)
    card |= calibrate(model_dir, data.parent)  # runs the models the card just described
    _write_card(model_dir, card)
    return card


def retrain_identifier(args: argparse.Namespace) -> dict:
    """The identifier and the calibration again, for the detector already in `--model-dir`
    (its card says how it was trained): the naming stage alone, in minutes."""
    from vision.dataset import write_dataset
    from vision.detector import ModelCard, ObjectFinder
    from vision.evaluate import calibrate
    from vision.shelf import CLASSES
    from vision.train_identity import train_identifier

    model_dir = args.model_dir
    card = ModelCard.read(model_dir).raw
    oriented = bool(card.get("oriented", False))
    root = _data_dir(card["data_seed"], card["train_images"], card["val_images"], oriented)
    if not (root / "data.yaml").exists():
        write_dataset(
            root,
            seed=card["data_seed"],
            train=card["train_images"],
            val=card["val_images"],
            size=CAMERA_SIZE,
            oriented=oriented,
        )
    card |= train_identifier(
        root,
        list(CLASSES),
        model_dir / "identify.onnx",
        seed=card["data_seed"],
        epochs=args.identifier_epochs,
        finder=ObjectFinder(model_dir / card["model"], tuple(card["input_hw"])),  # type: ignore[arg-type]
        along=oriented,
    )
    card.pop("calibration", None)
    card["train_s"] = round(card["detector_train_s"] + card["identifier_train_s"], 1)
    _write_card(model_dir, card)
    card |= calibrate(model_dir, root)
    _write_card(model_dir, card)
    return card


def _data_dir(seed: int, train: int, val: int, oriented: bool) -> Path:
    """Where the data set of these settings is generated (the same settings, the same files)."""
    return WORK_DIR / f"data-{seed}-{train}x{val}-{'obb' if oriented else 'upright'}"


def _write_card(model_dir: Path, card: dict) -> None:
    (model_dir / "card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")


def store_weights_half(source: Path, target: Path) -> None:
    """The ONNX model with its weights stored in float16 and cast back to float32 when loaded
    (onnxruntime folds the casts once): half the file, the same float32 arithmetic."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    kept, casts = [], []
    for tensor in graph.initializer:
        values = numpy_helper.to_array(tensor)
        if tensor.data_type != TensorProto.FLOAT or values.size < 64:
            kept.append(tensor)
            continue
        half = numpy_helper.from_array(values.astype(np.float16), f"{tensor.name}__half")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [tensor.name], to=TensorProto.FLOAT))
    nodes = list(graph.node)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend([*casts, *nodes])
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def _curve(results_csv: Path) -> list[float]:
    """ultralytics' validation mAP50 after each epoch, from its results.csv."""
    import csv

    with results_csv.open(newline="") as handle:
        rows = [{k.strip(): v for k, v in row.items()} for row in csv.DictReader(handle)]
    return [round(float(row["metrics/mAP50(B)"]), 4) for row in rows]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _override(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    if not key or not _:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE")
    try:
        return key, float(value) if "." in value else int(value)
    except ValueError:
        return key, value


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m vision.train", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train", type=int, default=700)
    parser.add_argument("--val", type=int, default=150)
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--imgsz", type=int, default=352)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lr", type=float, default=0.002)
    parser.add_argument("--identifier-epochs", type=int, default=6)
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument(
        "--oriented",
        action="store_true",
        help="oriented boxes (ultralytics' OBB task) instead of upright ones (the detect task);"
        " the identifier is then shown crops cut along them",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        type=_override,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another ultralytics training argument (a number when it reads as one)",
    )
    parser.add_argument(
        "--identifier-only",
        action="store_true",
        help="retrain only the identifier and the calibration for the detector in --model-dir",
    )
    args = parser.parse_args(argv)
    args.overrides = dict(args.overrides)
    card = retrain_identifier(args) if args.identifier_only else train(args)
    print(json.dumps({k: v for k, v in card.items() if k != "classes"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
