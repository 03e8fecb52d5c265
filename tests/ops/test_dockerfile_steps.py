"""The Dockerfile read as steps (app/ops/dockerfile_steps.py): parsed, replayed where that is cheap
(ENV, WORKDIR, COPY, the apt check), and in agreement with compose.yaml. The full replay (a fresh
venv from requirements.txt) is `make dockerfile-steps`."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.ops import dockerfile_steps as steps
from app.ops.dockerfile_steps import Replay, Step, parse

DOCKERFILE = steps.DOCKERFILE.read_text(encoding="utf-8")


def _image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for step in parse(DOCKERFILE):
        if step.instruction == "ENV":
            env |= steps.env_pairs(step.argument)
    return env


def test_continuation_lines_join_and_comments_drop() -> None:
    parsed = parse("# a comment\nFROM x\nRUN a \\\n  && b\n\nENV A=1 \\\n    B=2\n")
    assert [(s.instruction, s.argument, s.line) for s in parsed] == [
        ("FROM", "x", 2),
        ("RUN", "a && b", 3),
        ("ENV", "A=1 B=2", 6),
    ]


def test_the_image_installs_the_requirements_and_builds_the_frontend() -> None:
    runs = [s.argument for s in parse(DOCKERFILE) if s.instruction == "RUN"]
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    assert any("reflex export --frontend-only" in r for r in runs)
    apt = next(r for r in runs if "apt-get install" in r)
    assert {"nodejs", "curl", "postgresql-client"} <= set(steps.apt_packages(apt))


def test_image_paths_land_under_the_stand_in_root(tmp_path: Path) -> None:
    image = Replay(tmp_path, full=False)
    local = image.local("rm -rf /data/* && cd /opt/bun && ls /srv/app /database/x")
    assert local == (
        f"rm -rf {tmp_path}/data/* && cd {tmp_path}/opt/bun && ls {tmp_path}/srv/app /database/x"
    )


def test_the_cheap_steps_replay_into_a_temporary_root(tmp_path: Path) -> None:
    cheap = [s for s in parse(DOCKERFILE) if s.instruction != "RUN" or "apt-get" in s.argument]
    outcomes = {o.step.instruction: o for o in steps.replay(cheap, tmp_path, full=False)}
    assert (tmp_path / "srv/app/requirements.txt").exists()
    assert (tmp_path / "srv/app/app/ops/dockerfile_steps.py").exists()
    assert not (tmp_path / "srv/app/.git").exists()  # .dockerignore
    assert outcomes["FROM"].status == "checked"
    assert outcomes["COPY"].status == "ran"
    assert outcomes["RUN"].detail.startswith("apt not run")


def test_machine_changing_and_slow_steps_are_not_run(tmp_path: Path) -> None:
    image = Replay(tmp_path, full=False)
    user = image.step(Step("RUN", "useradd --uid 10001 app && mkdir -p /data", 1))
    export = image.step(Step("RUN", "reflex export --frontend-only --no-zip", 2))
    assert (user.status, export.status) == ("not run", "not run")
    assert export.detail == "--full runs it"


def test_the_image_and_compose_agree_on_port_data_dir_and_environment() -> None:
    image = _image_env()
    compose = yaml.safe_load((steps.REPO_ROOT / "compose.yaml").read_text(encoding="utf-8"))
    web = compose["services"]["web"]
    assert web["environment"]["PORT"] == image["PORT"] == "3000"
    assert web["environment"]["DATA_DIR"] == image["DATA_DIR"]
    assert web["environment"]["APP_ENV"] == image["APP_ENV"] == "production"
    assert "EXPOSE 3000" in DOCKERFILE
