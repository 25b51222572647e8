"""Refresh the README's MLflow screenshots: the training-runs table and a two-run comparison.

Usage (from the repository root, after `dvc repro` and at least one variant, e.g.
`python experiments/run.py words_only`)::

    python docs/screenshots/make_screenshots.py [--db mlflow.db] [--chromium /usr/bin/chromium]

Starts `mlflow ui` on the SQLite store (127.0.0.1, a free port), takes the
pictures with headless Chromium (Debian's `chromium` package: `apt-get install
chromium`), writes `docs/screenshots/runs.png` and `docs/screenshots/compare.png`,
and stops the server by its PID.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXPERIMENT = "french-press-stance"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the MLflow UI did not answer at {url} within {seconds:.0f} s")


def screenshot(chromium: str, url: str, out: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                        "--virtual-time-budget=20000", f"--screenshot={out}", url],
                       check=True, capture_output=True, timeout=180)
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "mlflow.db")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    uri = f"sqlite:///{args.db.resolve()}"
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        raise SystemExit(f"no experiment {EXPERIMENT!r} in {uri}: run `dvc repro` first")
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"], max_results=2)
    if len(runs) < 2:
        raise SystemExit("the comparison needs two runs: run a variant first (python experiments/run.py words_only)")
    port = free_port()
    mlflow_bin = str(Path(sys.executable).parent / "mlflow")
    server = subprocess.Popen([mlflow_bin, "ui", "--backend-store-uri", uri, "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health", 120)
        screenshot(args.chromium, f"{base}/#/experiments/{experiment.experiment_id}/runs", HERE / "runs.png",
                   "1600,900")
        ids = json.dumps([r.info.run_id for r in runs])
        query = urllib.parse.urlencode({"runs": ids, "experiments": json.dumps([experiment.experiment_id])})
        screenshot(args.chromium, f"{base}/#/compare-runs?{query}", HERE / "compare.png", "1600,1400")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
