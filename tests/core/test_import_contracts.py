"""The layers' import contracts (docs/architecture.md § Layers), read from the source with `ast`:
every import counts, a function-level one too — a cycle hidden inside a function is still a cycle.

- `app.core` imports no domain of `app`.
- Reflex is for the UI: a module that does not import Reflex imports no module that does, and no
  rules module (`models`, `service`, `services/`, `queries`) imports Reflex.
- `hardware.protocol` stands alone; with `hardware.scales` and `hardware.snapshots` it is the
  device-side library `app` may use. `app` reaches the rest of `hardware` only from its
  composition root (`app.app`), and `hardware` imports no UI module of `app`.
- `vision` imports neither `app`, `hardware` nor Reflex.
- No import cycles between the modules of `app`, `hardware` and `vision`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "hardware", "vision")
RULES = frozenset({"models", "service", "services", "queries"})
DEVICE_LIBRARY = ("hardware.protocol", "hardware.scales", "hardware.snapshots")
COMPOSITION_ROOT = "app.app"
REFLEX = ("reflex", "reflex_base")  # Reflex 0.10 ships its core as a second package


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {
        _name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if ".web" not in path.parts
    }


def _imported(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> Iterator[str]:
    """The names an import statement brings in: `from pkg import submodule` is the submodule,
    not the package."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([node.module] if node.module else [])])
    submodules = [f"{base}.{alias.name}" for alias in node.names]
    known = [name for name in submodules if name in modules()]
    yield from known
    if len(known) < len(submodules):
        yield base


@cache
def imports_of(module: str) -> frozenset[str]:
    path = modules()[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    return frozenset(
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(node, module, path)
    )


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _imports_reflex(module: str) -> bool:
    return any(_within(name, r) for name in imports_of(module) for r in REFLEX)


def _is_rules(module: str) -> bool:
    return bool(RULES & set(module.split(".")[1:]))


def _breaches(rule) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module in modules()
        for name in imports_of(module)
        if rule(module, name)
    )


def test_core_imports_no_domain() -> None:
    def breach(module: str, name: str) -> bool:
        return (
            _within(module, "app.core") and _within(name, "app") and not _within(name, "app.core")
        )

    assert _breaches(breach) == []


def test_only_the_ui_imports_reflex_or_the_ui() -> None:
    ui = {module for module in modules() if _imports_reflex(module)}

    def breach(module: str, name: str) -> bool:
        return module not in ui and name in ui

    assert _breaches(breach) == []
    assert sorted(m for m in ui if _is_rules(m)) == []


def test_the_device_side_library_stands_alone() -> None:
    def breach(module: str, name: str) -> bool:
        if not any(_within(module, lib) for lib in DEVICE_LIBRARY):
            return False
        own = name.split(".")[0] in PACKAGES
        return own and not any(_within(name, lib) for lib in DEVICE_LIBRARY)

    assert _breaches(breach) == []
    protocol = [
        f"{m} imports {n}"
        for m in modules()
        if _within(m, "hardware.protocol")
        for n in imports_of(m)
        if n.split(".")[0] in PACKAGES and not _within(n, "hardware.protocol")
    ]
    assert protocol == []


def test_app_and_hardware_meet_only_where_they_should() -> None:
    ui = {module for module in modules() if _imports_reflex(module)}

    def breach(module: str, name: str) -> bool:
        if _within(module, "app") and module != COMPOSITION_ROOT and _within(name, "hardware"):
            return not any(_within(name, lib) for lib in DEVICE_LIBRARY)
        return _within(module, "hardware") and (name in ui or name == COMPOSITION_ROOT)

    assert _breaches(breach) == []


def test_vision_is_its_own_layer() -> None:
    def breach(module: str, name: str) -> bool:
        return _within(module, "vision") and name.split(".")[0] in ("app", "hardware", *REFLEX)

    assert _breaches(breach) == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph = {m: sorted(n for n in imports_of(m) if n in modules() and n != m) for m in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_child = work.pop()
            if next_child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = graph[node]
            if next_child < len(children):
                work.append((node, next_child + 1))
                child = children[next_child]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_checks_see_a_cycle_and_a_breach(tmp_path, monkeypatch) -> None:
    """The contracts are not vacuous: the parser finds the imports these tests rely on."""
    assert "app.audit.services.audit" in imports_of("app.audit.services.records")
    assert _imports_reflex("app.app")
    graph_sizes = sum(len(imports_of(m)) for m in modules())
    assert graph_sizes > 1000
    fake = {"a.x": {"a.y"}, "a.y": {"a.x"}}
    monkeypatch.setattr("tests.core.test_import_contracts.imports_of", lambda m: frozenset(fake[m]))
    monkeypatch.setattr("tests.core.test_import_contracts.modules", lambda: dict.fromkeys(fake))
    assert _cycles() == [["a.x", "a.y"]]
