"""How light kit is to carry, as whole commands timed side by side (paired runs, medians, ratios):

* ``python -c "import kit"`` against ``python -c "import requests, jwt"``;
* ``kit token signicat`` against a served sandbox, against a plain-requests script making the same token
  request (client_secret_basic, the same scope) to the same sandbox;
* ``http --offline GET localhost:1/x`` in a venv with ``kit[httpie]`` (kit's five HTTPie plugins) against the
  same HTTPie in a venv with HTTPie alone;
* ``make quick``'s pytest (the fast tier, on every core as make quick runs it), wall time, one run.

``python bench/run.py light`` prints only these rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNS = 15


def _wall(argv: list[str], env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, cwd=tempfile.gettempdir())  # no ./kit to shadow it
    if done.returncode != 0:
        raise SystemExit(f"light bench: {argv[:3]} failed: {done.stderr.decode()[-500:]}")
    return time.perf_counter() - began


def _paired(a: list[str], b: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall seconds of ``a`` and of ``b``, run alternately ``RUNS`` times (after one warm-up each)."""
    _wall(a, env), _wall(b, env)
    first, second = [], []
    for _ in range(RUNS):
        first.append(_wall(a, env))
        second.append(_wall(b, env))
    return statistics.median(first), statistics.median(second)


def _rows(what: str, floor: str, kit_variant: str, times: tuple[float, float]) -> list[str]:
    base, kit = times[1], times[0]
    return [f"| {what} | {floor} (floor) | {base * 1000:.0f} ms | 1.00x |",
            f"| {what} | {kit_variant} | {kit * 1000:.0f} ms | {kit / base:.2f}x |"]  # fmt: skip


def _served() -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen([str(BIN / "kit"), "sandbox", "serve", "--json", "signicat"], stdout=subprocess.PIPE,
                               text=True)  # fmt: skip
    assert process.stdout is not None
    line = json.loads(process.stdout.readline())
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNICAT_")}
    return process, {**env, **line["env"]}


PLAIN_TOKEN = """
import os, requests
url = os.environ["SIGNICAT_URL"].rstrip("/") + "/auth/open/connect/token"
answer = requests.post(url, data={"grant_type": "client_credentials", "scope": "signicat-api"},
                       auth=(os.environ["SIGNICAT_CLIENT_ID"], os.environ["SIGNICAT_CLIENT_SECRET"]), timeout=30)
print(answer.json()["access_token"])
"""


def _httpie(folder: Path, *also: str) -> Path:
    """A venv of its own with the same HTTPie (and ``also``): its ``http``."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    version = metadata.version("httpie")
    subprocess.run([str(BIN / "uv"), "pip", "install", "--quiet", "--python", str(folder / "bin" / "python"),
                    f"httpie=={version}", *also], check=True)  # fmt: skip
    return folder / "bin" / "http"


def run() -> list[str]:
    python = sys.executable
    rows = _rows("import, a fresh interpreter", "import requests, jwt", "import kit",
                 _paired([python, "-c", "import kit"], [python, "-c", "import requests, jwt"]))  # fmt: skip
    print("  light: import done", file=sys.stderr, flush=True)
    process, env = _served()
    try:
        token = _paired([str(BIN / "kit"), "token", "signicat"], [python, "-c", PLAIN_TOKEN], env)
    finally:
        process.terminate()
        process.wait(timeout=20)
    rows += _rows("a Signicat token from a served sandbox", "a plain-requests script", "kit token signicat", token)
    print("  light: token done", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        alone = _httpie(Path(folder) / "alone")
        with_kit = _httpie(Path(folder) / "kit", "-e", f"{ROOT}[httpie]")
        http = ["--offline", "GET", "localhost:1/x"]
        rows += _rows("http --offline GET localhost:1/x", "a venv with HTTPie alone", "a venv with kit[httpie]",
                      _paired([str(with_kit), *http], [str(alone), *http]))  # fmt: skip
    print("  light: http done", file=sys.stderr, flush=True)
    began = time.perf_counter()
    quick = subprocess.run([python, "-m", "pytest", "tests", "-q", "-n", "auto", "--dist", "loadfile", "-m",
                            "not browser and not notebook and not conformance and not slow"],
                           cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    if quick.returncode != 0:
        raise SystemExit(f"light bench: the fast tier failed:\n{quick.stdout[-2000:]}")
    wall = time.perf_counter() - began
    rows.append(f"| make quick's pytest (the fast tier), wall time | one run | {wall:.0f} s | - |")
    return rows


if __name__ == "__main__":
    print("\n".join(["| measure | variant | median | ratio |", "|---|---|---|---|", *run()]))
