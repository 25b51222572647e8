"""Real servers for the integration tests: a private PostgreSQL cluster and an MLflow tracking server.

Both listen on 127.0.0.1 only, on a free port of their own, and are stopped by PID.
PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` system user.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_http_ok(url: str, process: subprocess.Popen, timeout: float, log_file: Path) -> None:
    """Poll ``url`` until it answers 200, while ``process``, the server behind it, keeps running.

    ``log_file`` is where the process writes its output.

    Raises:
        RuntimeError: the process exited, or ``timeout`` seconds passed without a 200; the message
            names the URL and the process, and ends with the process's last output.
    """
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            failure = f"exited with code {process.returncode}"
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            failure = f"did not answer within {timeout:g} s"
            break
        time.sleep(0.5)
    output = log_file.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise RuntimeError(f"{url}: the server (PID {process.pid}) {failure}; its last output ({log_file}):\n{output}")


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return str(found)


def _as_postgres_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _stop_pid(pid: int, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


@dataclass
class Postgres:
    port: int
    data_dir: Path
    user: str = "mlflow"
    password: str = "mlflow-test-pw"
    database: str = "mlflow"

    def uri(self, password: str | None = None) -> str:
        return (f"postgresql+psycopg2://{self.user}:{password or self.password}@127.0.0.1:{self.port}/"
                f"{self.database}")

    @property
    def pid(self) -> int:
        return int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            _stop_pid(self.pid, signal.SIGINT)  # PostgreSQL's fast shutdown


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """initdb in a fresh temporary folder, start on a free loopback port, create the ``mlflow`` role and database.

    The folder is made directly under the system temp dir (not pytest's, which the ``postgres`` user
    cannot enter) and removed afterwards.
    """
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="stance-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    pwfile = base / "superuser-pw"
    pwfile.write_text("superuser-test-pw\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres")
    data = base / "data"
    subprocess.run(_as_postgres_user([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}",
                                      "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True, text=True)
    cluster = Postgres(free_port(), data)
    options = f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {base} -c fsync=off"
    subprocess.run(_as_postgres_user([_pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
                                      "-w", "-t", "60", "start"]), check=True, capture_output=True, text=True)
    try:
        sql = (f"CREATE USER {cluster.user} PASSWORD '{cluster.password}'; "
               f"CREATE DATABASE {cluster.database} OWNER {cluster.user};")
        for statement in sql.split("; "):
            subprocess.run([_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
                            "-v", "ON_ERROR_STOP=1", "-c", statement.rstrip(";")],
                           check=True, capture_output=True, text=True,
                           env={**os.environ, "PGPASSWORD": "superuser-test-pw"})
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class MlflowServer:
    port: int
    process: subprocess.Popen

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and its worker, by PID
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextmanager
def mlflow_server(backend_uri: str, artifacts: Path, log_file: Path, startup_timeout: float = 180) -> Iterator[MlflowServer]:
    """``mlflow server`` with one worker on a free loopback port, proxying artifacts to ``artifacts``."""
    port = free_port()
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
    env.pop("MLFLOW_TRACKING_URI", None)
    with open(log_file, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
             "--backend-store-uri", backend_uri, "--artifacts-destination", artifacts.as_uri()],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = MlflowServer(port, process)
    try:
        wait_until_http_ok(f"{server.uri}/health", process, startup_timeout, log_file)
        yield server
    finally:
        server.stop()
