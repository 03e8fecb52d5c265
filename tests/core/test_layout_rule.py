"""Every domain package follows one layout (docs/architecture.md § Layout rule).

- A domain `app/<domain>/` holds `__init__.py`, `models.py`, `service.py`, `queries.py`,
  `cli.py` and the packages `services/`, `queries/`, `state/`, `pages/`; any other module must
  be on the allow-list below, with its reason.
- `state/<page>.py` has its `pages/<page>.py` (one page per file pair), bar the listed few.
- An allow-list entry whose file is gone fails too, so the lists only shrink.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"

MODULES = frozenset({"__init__", "models", "service", "queries", "cli"})
PACKAGES = frozenset({"services", "queries", "state", "pages"})

# Packages that are not domains keep their own layout.
NOT_DOMAINS = frozenset(
    {
        "core",  # plumbing: settings, db, tenancy, bus, jobs, i18n
        "ui",  # the shell and the widgets every domain's pages share
        "api",  # REST routes (thin callers)
        "metrics",  # what the code counts and the /metrics exposition
        "ops",  # make targets' helpers
    }
)

# Modules a domain may hold besides the rule's, per domain, each with its reason. Empty: every
# domain follows the rule; add here only what cannot (and say why).
ALLOWED: dict[str, frozenset[str]] = {}

# A page state without a page module of its name: the dialog of another page.
STATE_WITHOUT_PAGE = frozenset({"org/state/people_import.py"})  # the /people import dialog


def domains(app: Path = APP) -> list[Path]:
    return sorted(
        d
        for d in app.iterdir()
        if (d / "__init__.py").is_file() and d.name not in NOT_DOMAINS and d.name != "__pycache__"
    )


def outside_the_rule(app: Path = APP, allowed: dict[str, frozenset[str]] = ALLOWED) -> list[str]:
    """Each module or package of a domain the rule does not allow, as `app/<domain>/<name>`."""
    found = []
    for domain in domains(app):
        extra = allowed.get(domain.name, frozenset())
        for entry in sorted(domain.iterdir()):
            if entry.name == "__pycache__" or entry.name.startswith("."):
                continue
            if entry.is_dir():
                if entry.name not in PACKAGES and (entry / "__init__.py").exists():
                    found.append(f"app/{domain.name}/{entry.name}/")
            elif entry.suffix == ".py" and entry.stem not in MODULES | extra:
                found.append(f"app/{domain.name}/{entry.name}")
        for single, package in (("service", "services"), ("queries", "queries")):
            if (domain / f"{single}.py").is_file() and (domain / package).is_dir():
                found.append(f"app/{domain.name}/{single}.py beside {package}/")
    return found


def unpaired_states(app: Path = APP) -> list[str]:
    return [
        f"app/{state.relative_to(app)}"
        for state in sorted(app.glob("*/state/*.py"))
        if state.stem != "__init__"
        and not (state.parent.parent / "pages" / state.name).is_file()
        and str(state.relative_to(app)) not in STATE_WITHOUT_PAGE
    ]


def test_every_domain_module_follows_the_layout_rule() -> None:
    found = outside_the_rule()
    assert not found, (
        "modules outside the layout rule (docs/architecture.md § Layout rule): " + ", ".join(found)
    )


def test_every_page_state_has_its_page_module() -> None:
    found = unpaired_states()
    assert not found, "a state/<page>.py without pages/<page>.py: " + ", ".join(found)


def test_the_allow_list_names_only_modules_that_exist() -> None:
    gone = [
        f"app/{domain}/{name}.py"
        for domain, names in ALLOWED.items()
        for name in sorted(names)
        if not (APP / domain / f"{name}.py").is_file()
    ]
    gone += [f"app/{p}" for p in STATE_WITHOUT_PAGE if not (APP / p).is_file()]
    assert not gone, "moved or gone, strike them from the allow-list: " + ", ".join(gone)


def test_the_checker_reports_a_module_outside_the_rule(tmp_path: Path) -> None:
    domain = tmp_path / "things"
    for name in ("__init__.py", "models.py", "service.py", "page_state.py", "listing.py"):
        (domain / name).parent.mkdir(parents=True, exist_ok=True)
        (domain / name).write_text("")
    for package in ("state", "pages", "widgets", "services"):
        (domain / package).mkdir()
        (domain / package / "__init__.py").write_text("")
    (domain / "state" / "things.py").write_text("")
    (domain / "state" / "other.py").write_text("")
    (domain / "pages" / "things.py").write_text("")
    assert outside_the_rule(tmp_path, {"things": frozenset({"listing"})}) == [
        "app/things/page_state.py",
        "app/things/widgets/",
        "app/things/service.py beside services/",
    ]
    assert unpaired_states(tmp_path) == ["app/things/state/other.py"]
