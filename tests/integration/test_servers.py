"""The start-up wait shared by the server fixtures: ``wait_until_http_ok``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.servers import free_port, wait_until_http_ok


def _start(code: str, log_file: Path, *args: str) -> subprocess.Popen:
    with open(log_file, "w") as log:
        return subprocess.Popen([sys.executable, "-c", code, *args], stdout=log, stderr=subprocess.STDOUT)


def test_returns_once_the_server_answers(tmp_path: Path) -> None:
    port = free_port()
    log_file = tmp_path / "server.log"
    code = ("import http.server, sys; http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), "
            "http.server.SimpleHTTPRequestHandler).serve_forever()")
    process = _start(code, log_file, str(port))
    try:
        wait_until_http_ok(f"http://127.0.0.1:{port}/", process, 30, log_file)
    finally:
        process.terminate()
        process.wait(10)


def test_a_server_that_exits_is_named_with_its_last_output(tmp_path: Path) -> None:
    log_file = tmp_path / "server.log"
    process = _start("import sys; print('address already in use'); sys.exit(3)", log_file)
    url = f"http://127.0.0.1:{free_port()}/health"
    with pytest.raises(RuntimeError) as error:
        wait_until_http_ok(url, process, 30, log_file)
    message = str(error.value)
    assert url in message and "exited with code 3" in message and "address already in use" in message


def test_a_server_that_never_answers_times_out_with_its_last_output(tmp_path: Path) -> None:
    log_file = tmp_path / "server.log"
    process = _start("import time; print('still loading', flush=True); time.sleep(60)", log_file)
    url = f"http://127.0.0.1:{free_port()}/ping"
    try:
        with pytest.raises(RuntimeError) as error:
            wait_until_http_ok(url, process, 1, log_file)
    finally:
        process.terminate()
        process.wait(10)
    message = str(error.value)
    assert url in message and "did not answer within 1 s" in message and "still loading" in message
