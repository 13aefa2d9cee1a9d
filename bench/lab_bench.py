"""``make lab`` from a fresh clone, until JupyterLab answers: before (pip) and now (uv), side by side.

Both start from a fresh ``git clone`` of the committed HEAD with cold installer caches (a new
``PIP_CACHE_DIR`` / ``UV_CACHE_DIR``), so each downloads from PyPI as a new machine would. *Before* runs
the recipe the Makefile had (``python -m venv``, ``pip install --upgrade pip``, ``pip install -e
'.[dev]'``) and then ``jupyter lab``; *now* runs ``make lab`` itself. The clock stops when
JupyterLab's ``/api/status`` answers 200. Not part of ``make test``.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PYTHON", "python3")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _lab_args(port: int, token: str) -> list[str]:
    args = ["--no-browser", f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    return args + (["--allow-root"] if os.geteuid() == 0 else [])


def _until_served(command: list[str], cwd: Path, env: dict[str, str], port: int, token: str) -> float:
    """Seconds from starting ``command`` until JupyterLab on ``port`` answers; the process is stopped."""
    began = time.perf_counter()
    log = (cwd / "bench-lab.log").open("w")
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1).status_code == 200:
                    return time.perf_counter() - began
            except requests.RequestException:
                pass
            if process.poll() is not None or time.perf_counter() - began > 600:
                raise SystemExit("JupyterLab did not start:\n" + (cwd / "bench-lab.log").read_text()[-2000:])
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def _clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(into)], check=True)
    return into


def _before(work: Path) -> float:
    clone = _clone(work / "before")
    env = {**os.environ, "PIP_CACHE_DIR": str(work / "pip-cache")}
    port, token = _port(), secrets.token_hex(8)
    recipe = (
        f"{PYTHON} -m venv .venv && .venv/bin/python -m pip install --quiet --upgrade pip && "
        ".venv/bin/python -m pip install --quiet -e '.[dev]' && "
        f"exec .venv/bin/jupyter lab --notebook-dir=notebooks {' '.join(_lab_args(port, token))}"
    )
    return _until_served(["bash", "-c", recipe], clone, env, port, token)


def _now(work: Path) -> float:
    clone = _clone(work / "now")
    env = {**os.environ, "UV_CACHE_DIR": str(work / "uv-cache"), "PIP_CACHE_DIR": str(work / "pip-cache-now")}
    port, token = _port(), secrets.token_hex(8)
    command = ["make", "lab", f"LAB_ARGS={' '.join(_lab_args(port, token))}", f"PYTHON={PYTHON}"]
    command = [c.replace("--allow-root", "") if c.startswith("LAB_ARGS") else c for c in command]  # make adds it
    return _until_served(command, clone, env, port, token)


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="kit-lab-bench-") as folder:
        work = Path(folder)
        before = _before(work)
        print("  lab: before (pip) done", file=sys.stderr, flush=True)
        now = _now(work)
        print("  lab: now (make lab, uv) done", file=sys.stderr, flush=True)
    what = "fresh clone until JupyterLab answers, cold caches"
    return [
        f"| {what} | before: venv + pip install -e .[dev] + jupyter lab | {before:.1f} s | 1.00x |",
        f"| {what} | now: make lab (uv) | {now:.1f} s | {now / before:.2f}x |",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
