"""The Dockerfile's steps exercised without a container engine (`make dockerfile-steps`).

Reads the Dockerfile's FROM/ENV/WORKDIR/COPY/RUN lines and replays them in a fresh temporary
directory standing in for the image's file system: COPY copies (minus .dockerignore), `pip
install` runs into a fresh venv, the apt packages are checked on this machine instead of
installed, and what would change the machine itself (users, /data, /opt) is not run. Each step
prints what ran and what did not, and why. `--full` also runs the frontend build (reflex export,
about a minute); `--dry-run` only prints the plan.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.config import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
# Where the image's absolute paths land inside the stand-in root
IMAGE_DIRS = ("/srv/app", "/data", "/opt/bun")


@dataclass(frozen=True)
class Step:
    instruction: str  # FROM, ENV, RUN, ...
    argument: str
    line: int


@dataclass
class Outcome:
    step: Step
    status: str  # ran, failed, checked, missing, not run, recorded
    detail: str = ""


def parse(text: str) -> list[Step]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    steps: list[Step] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        instruction, _, argument = joined.partition(" ")
        steps.append(Step(instruction.upper(), " ".join(argument.split()), start))
    return steps


def env_pairs(argument: str) -> dict[str, str]:
    """`ENV A=1 B=2` (the key=value form our Dockerfile uses)."""
    return dict(pair.split("=", 1) for pair in shlex.split(argument))


def apt_packages(command: str) -> list[str]:
    """The packages an `apt-get install` in `command` names."""
    match = re.search(r"apt-get install ([^&;]+)", command)
    words = match.group(1).split() if match else []
    return [w for w in words if not w.startswith("-")]


def package_present(name: str) -> bool:
    found = subprocess.run(["dpkg", "-s", name], capture_output=True, text=True)
    if found.returncode == 0 and "install ok installed" in found.stdout:
        return True
    # a metapackage may be absent while what it brings is there
    stand_ins = {"postgresql-client": "pg_dump", "npm": "npm"}
    return name in stand_ins and shutil.which(stand_ins[name]) is not None


class Replay:
    """The stand-in image: a root directory, a fresh venv, the ENV so far, the WORKDIR."""

    def __init__(self, root: Path, *, full: bool, python: str = sys.executable) -> None:
        self.root, self.full, self.python = root, full, python
        self.env: dict[str, str] = {}
        self.workdir = "/"
        self.venv = root / "venv"

    def local(self, text: str) -> str:
        """The image's absolute paths as paths under the stand-in root."""
        for image_dir in IMAGE_DIRS:
            text = re.sub(
                rf"(?<![\w/]){re.escape(image_dir)}(?![\w.-])", str(self.root) + image_dir, text
            )
        return text

    def here(self) -> Path:
        path = Path(self.local(self.workdir))
        path.mkdir(parents=True, exist_ok=True)
        return path

    def step(self, step: Step) -> Outcome:
        handler = getattr(self, f"do_{step.instruction.lower()}", None)
        if handler is None:
            return Outcome(step, "recorded", "describes the image; nothing to run")
        return handler(step)

    def do_from(self, step: Step) -> Outcome:
        wanted = re.search(r"python:(\d+\.\d+)", step.argument)
        have = f"{sys.version_info.major}.{sys.version_info.minor}"
        same = wanted is not None and wanted.group(1) == have
        return Outcome(step, "checked" if same else "missing", f"this machine's Python is {have}")

    def do_env(self, step: Step) -> Outcome:
        for key, value in env_pairs(step.argument).items():
            value = value.replace("$PATH", os.environ.get("PATH", ""))
            self.env[key] = self.local(value)
        return Outcome(step, "recorded", ", ".join(env_pairs(step.argument)))

    def do_workdir(self, step: Step) -> Outcome:
        self.workdir = step.argument
        return Outcome(step, "ran", f"-> {self.here()}")

    def do_copy(self, step: Step) -> Outcome:
        words = [w for w in step.argument.split() if not w.startswith("--")]
        sources, target = words[:-1], self.here() / words[-1]
        for source in sources:
            if source == ".":
                shutil.copytree(REPO_ROOT, target, dirs_exist_ok=True, ignore=_dockerignore())
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO_ROOT / source, target)
        return Outcome(step, "ran", f"{' '.join(sources)} -> {target} (ownership not set)")

    def do_run(self, step: Step) -> Outcome:
        command = step.argument
        if "apt-get" in command:
            missing = [p for p in apt_packages(command) if not package_present(p)]
            status = "missing" if missing else "checked"
            bun = shutil.which("bun", path=str(REPO_ROOT / ".tools/node_modules/.bin"))
            detail = f"apt not run; packages missing here: {missing or 'none'}; bun: {bun}"
            return Outcome(step, status, detail)
        if command.startswith("pip install"):
            if not self.venv.exists():
                subprocess.run([self.python, "-m", "venv", str(self.venv)], check=True)
            return self.run(step, command.replace("pip", str(self.venv / "bin/pip"), 1))
        if "reflex export" in command and self.full:
            return self.run(step, command)
        reason = "--full runs it" if "reflex export" in command else "changes this machine"
        return Outcome(step, "not run", reason)

    def run(self, step: Step, command: str) -> Outcome:
        env = {**os.environ, **self.env, "REFLEX_USE_SYSTEM_BUN": "1"}
        tools = REPO_ROOT / ".tools/node_modules/.bin"
        env["PATH"] = f"{self.venv / 'bin'}:{tools}:{env.get('PATH', '')}"
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-c", self.local(command)], cwd=self.here(), env=env, text=True,
            capture_output=True,
        )  # fmt: skip
        seconds = f"{time.monotonic() - started:.0f} s"
        if done.returncode:
            return Outcome(
                step, "failed", f"exit {done.returncode} after {seconds}:\n{done.stderr[-2000:]}"
            )
        return Outcome(step, "ran", seconds)


def _dockerignore():
    names = (REPO_ROOT / ".dockerignore").read_text().split()
    plain = {n.strip("/") for n in names if "*" not in n}
    globs = [n.replace("**/", "") for n in names if "*" in n]
    return lambda _dir, entries: [
        e for e in entries if e in plain or any(Path(e).match(g) for g in globs)
    ]


def replay(steps: list[Step], root: Path, *, full: bool) -> list[Outcome]:
    image = Replay(root, full=full)
    outcomes = []
    for step in steps:
        outcome = image.step(step)
        outcomes.append(outcome)
        print(f"line {step.line:>3} {step.instruction:<11} {outcome.status:<8} {outcome.detail}")
        print(f"    {step.argument[:110]}", flush=True)
        if outcome.status == "failed":
            break
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ops.dockerfile_steps", description=__doc__)
    parser.add_argument("--full", action="store_true", help="also the frontend build")
    parser.add_argument("--dry-run", action="store_true", help="print the steps only")
    parser.add_argument("--keep", action="store_true", help="keep the stand-in root")
    args = parser.parse_args(argv)
    steps = parse(DOCKERFILE.read_text(encoding="utf-8"))
    if args.dry_run:
        for step in steps:
            print(f"line {step.line:>3} {step.instruction:<11} {step.argument[:100]}")
        return 0
    root = Path(tempfile.mkdtemp(prefix="dockerfile-steps-"))
    try:
        outcomes = replay(steps, root, full=args.full)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    failed = [o for o in outcomes if o.status == "failed"]
    print(f"{len(outcomes)} steps: " + ", ".join(f"{o.status} {o.step.line}" for o in outcomes))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
