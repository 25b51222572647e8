"""Run the named variants in experiments/*.yaml with `dvc exp run`, one after the other.

Usage: python experiments/run.py [--dry-run] [NAME ...]

Every variant runs in the workspace (so every run logs to the same MLflow
store), tagged ``variant=NAME``. Afterwards configs/params.yaml, dvc.lock and
the pipeline outputs are restored to the committed default.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PARAMS = "configs/params.yaml"


def variants() -> dict[str, dict]:
    """Every ``experiments/*.yaml``, checked against the params schema before anything runs.

    A misspelt or unknown key stops here with the file, the key and the nearest valid key named.
    """
    from pipeline.params import ParamsError, load_params

    out = {}
    for path in sorted(HERE.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(spec.get("set"), dict):
            sys.exit(f"{path}: expected a mapping 'set' of dotted params keys to values")
        try:
            load_params(ROOT / PARAMS, overrides=spec["set"])
        except ParamsError as exc:
            sys.exit(f"{path}: {exc}")
        out[path.stem] = spec
    return out


def command(name: str, spec: dict) -> list[str]:
    cmd = ["dvc", "exp", "run", "-n", name, "-S", f"{PARAMS}:variant={name}"]
    for key, value in spec["set"].items():
        cmd += ["-S", f"{PARAMS}:{key}={json.dumps(value)}"]
    return cmd


def run(cmd: list[str], dry: bool) -> None:
    print("$", " ".join(shlex.quote(c) for c in cmd), flush=True)
    if not dry:
        subprocess.run(cmd, cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="variants to run (default: all)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = parser.parse_args()
    available = variants()
    unknown = [n for n in args.names if n not in available]
    if unknown:
        sys.exit(f"unknown variant(s) {', '.join(unknown)}; available: {', '.join(available)}")
    names = args.names or list(available)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", PARAMS, "dvc.lock"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    if dirty and not args.dry_run:
        sys.exit(f"commit or stash your changes to {PARAMS} and dvc.lock first:\n{dirty}")
    try:
        for name in names:
            run(command(name, available[name]), args.dry_run)
            run(["git", "checkout", "--", PARAMS], args.dry_run)
    finally:
        if not args.dry_run:
            subprocess.run(["git", "checkout", "--", PARAMS, "dvc.lock", "metrics", "plots", "reports"], cwd=ROOT)
            subprocess.run(["dvc", "checkout", "--force"], cwd=ROOT)
    print("done: `dvc exp show --only-changed`, and the MLflow UI (filter tags.variant) to compare")


if __name__ == "__main__":
    main()
