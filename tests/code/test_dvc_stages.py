"""dvc.yaml: every stage depends on all the code it runs, so changing that code re-runs the stage."""

from __future__ import annotations

import ast

import pytest
import yaml

from pipeline import config

PACKAGE = config.ROOT / "pipeline"
STAGES = yaml.safe_load((config.ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def _imported_modules(module: str) -> set[str]:
    """``pipeline`` modules imported anywhere in ``module`` (at the top or inside functions)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pipeline":
            found |= {a.name for a in node.names if (PACKAGE / f"{a.name}.py").exists()}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("pipeline.")}
    return found


def _closure(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(_imported_modules(current))
    return seen


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stage_depends_on_every_module_it_imports(stage: str) -> None:
    cmd = STAGES[stage]["cmd"]
    assert cmd.startswith("python -m pipeline."), cmd
    module = cmd.split()[2].removeprefix("pipeline.")
    needed = {f"pipeline/{m}.py" for m in _closure(module)}
    missing = sorted(needed - set(STAGES[stage]["deps"]))
    assert not missing, f"dvc.yaml stage {stage!r}: add to deps {missing}"


def test_closure_follows_lazy_imports() -> None:
    assert {"rules", "features", "tracking", "serving"} <= _closure("train")  # some are imported inside functions
