"""dvc.yaml: every stage depends on all the code it runs, and on nothing of serving's unless it publishes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from pipeline import config

STAGES = yaml.safe_load((config.ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def module_file(module: str) -> Path | None:
    """``pipeline.core.clean`` → ``pipeline/core/clean.py`` (None for a package or a missing module)."""
    path = config.ROOT.joinpath(*module.split(".")).with_suffix(".py")
    return path if path.is_file() else None


def imported_modules(module: str) -> set[str]:
    """``pipeline`` modules imported anywhere in ``module`` (at the top or inside functions)."""
    path = module_file(module)
    assert path is not None, module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            for alias in node.names:  # `from pipeline.core import clean` imports a module
                if module_file(f"{node.module}.{alias.name}"):
                    found.add(f"{node.module}.{alias.name}")
            if module_file(node.module):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipeline.") and module_file(a.name)}
    return found


def closure(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(imported_modules(current))
    return seen


def needed_files(stage: str) -> set[str]:
    module = STAGES[stage]["cmd"].split()[2]
    return {str(module_file(m).relative_to(config.ROOT)) for m in closure(module)}


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stage_depends_on_every_module_it_imports(stage: str) -> None:
    assert STAGES[stage]["cmd"].startswith("python -m pipeline.stages."), STAGES[stage]["cmd"]
    missing = sorted(needed_files(stage) - set(STAGES[stage]["deps"]))
    assert not missing, f"dvc.yaml stage {stage!r}: add to deps {missing}"


@pytest.mark.parametrize("stage", ["clean", "segment", "label", "train", "evaluate"])
def test_only_publish_runs_serving_code(stage: str) -> None:
    # A change to pipeline/serve/* must leave every stage but publish up to date.
    assert not [f for f in needed_files(stage) if f.startswith("pipeline/serve/")]
    assert not [d for d in STAGES[stage]["deps"] if str(d).startswith("pipeline/serve")]


def test_stages_are_in_pipeline_order() -> None:
    assert list(STAGES) == ["clean", "segment", "label", "train", "evaluate", "publish"]


def test_closure_follows_lazy_imports() -> None:
    # publish imports the pyfunc and the registry inside a function
    assert {"pipeline.serve.pyfunc", "pipeline.registry", "pipeline.core.loading"} <= closure("pipeline.stages.publish")
