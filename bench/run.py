"""kit benchmarks, measured side by side in one run and printed as one table of ratios.

Run as ``python bench/run.py`` (``make bench``). Signicat's rows come from ``signicat_bench.py``.

1. Per-request cost of Pliance auth against the local sandbox, all variants interleaved round by
   round so that drift hits each alike: a static pre-minted header (the floor), a minimal
   PyJWT ``AuthBase`` that mints per request as the official Pliance.Py.SDK does, kit's
   ``PlianceAuth`` on a plain ``requests.Session``, and a full kit session (auth + journal +
   redaction). Median over all requests; ratio to the static header.
   Then the same for Signicat (``signicat_bench.py``) and for Synerise, Signzy and Salt Edge
   (``session_bench.py``): a kit session against the same request with precomputed headers.
   ``python bench/run.py sessions`` prints only these rows.
2. Sandbox throughput: 8 clients × 500 authenticated calls per provider (errors counted), as a
   ratio to a trivial WSGI app behind the same server class (the floor row). werkzeug's server
   closes every connection (``Connection: close``), sandboxes and floor alike: no keep-alive.
3. The journal over a long run (``journal_bench.py``): memory kept after 110,000 exchanges, and
   a token fetch's cost with a full journal.
4. ``Secret`` creation and ``redact()`` with 10 and with 10,000 registered secrets
   (``secrets_bench.py``).
5. Wall time of ``pytest --nbval`` over the notebooks vs the same number of one-cell notebooks
   (the floor of kernel starts and nbval itself). Median of several runs.
6. ``make test``'s pytest at full (CI) strength and at a workstation's (``suite_bench.py``).
7. ``make lab`` from a fresh clone until JupyterLab answers, the former pip recipe vs today's
   (``lab_bench.py``).
8. kit's auth in httpx (``httpx_bench.py``): each provider's call through ``httpx.Client`` and a batch
   through ``httpx.AsyncClient``, against precomputed headers. ``python bench/run.py httpx`` prints only these.
9. How light kit is (``light_bench.py``): ``import kit``, ``kit token``, ``http`` with kit's plugins, the fast
   tier's wall time. ``python bench/run.py light`` prints only these.

Not part of ``make test``; run with ``make bench``. Timings, not assertions.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx_bench
import journal_bench
import jwt
import lab_bench
import light_bench
import nbformat
import requests
import secrets_bench
import session_bench
import signicat_bench
import suite_bench

from kit.providers import pliance
from kit.sandbox import start

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the load workload is shared with the load test
ROUNDS, PER_ROUND = 20, 25
NBVAL_RUNS = 3


class SdkStyleAuth(requests.auth.AuthBase):
    """What Pliance.Py.SDK does: PyJWT encode per request, nothing else."""

    def __init__(self, creds: pliance.Credentials) -> None:
        self.secret, self.issuer = creds.secret.reveal(), creds.issuer
        self.given_name, self.subject = creds.given_name, creds.subject

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        now = int(time.time())
        token = jwt.encode(
            {
                "iat": now,
                "nbf": now,
                "exp": now + 300,
                "aud": "pliance.io",
                "iss": self.issuer,
                "given_name": self.given_name,
                "sub": self.subject,
            },
            self.secret,
            algorithm="HS256",
        )
        r.headers["Authorization"] = f"Bearer {token}"
        return r


def request_overhead() -> list[tuple[str, float, float]]:
    with start("pliance") as box:
        creds = pliance.Credentials.of(**box.credentials)
        static = requests.Session()
        static.headers["Authorization"] = "Bearer " + pliance.mint_token(creds, lifetime=3600)
        sdk = requests.Session()
        sdk.auth = SdkStyleAuth(creds)
        kit_auth = requests.Session()
        kit_auth.auth = pliance.PlianceAuth(creds)
        kit_session = pliance.session(creds, box.url)
        variants: dict[str, Callable[[], requests.Response]] = {
            "static header (floor)": lambda: static.get(box.url + "api/Ping", timeout=10),
            "SDK-style PyJWT AuthBase": lambda: sdk.get(box.url + "api/Ping", timeout=10),
            "kit PlianceAuth": lambda: kit_auth.get(box.url + "api/Ping", timeout=10),
            "kit session (auth+journal)": lambda: kit_session.get("api/Ping"),
        }
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for name, call in variants.items():  # warm up connections
            assert call().status_code == 200, name
        for round_no in range(ROUNDS):
            for name, call in variants.items():
                for _ in range(PER_ROUND):
                    began = time.perf_counter()
                    call()
                    samples[name].append(time.perf_counter() - began)
            kit_session.journal.clear()  # keep the journal from growing across rounds
            print(f"  requests: round {round_no + 1}/{ROUNDS}", end="\r", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        box.check()
    floor = statistics.median(samples["static header (floor)"])
    return [(name, statistics.median(v) * 1e6, statistics.median(v) / floor) for name, v in samples.items()]


def auth_only() -> list[tuple[str, float, float]]:
    """The auth callable alone on a prepared request, no network: where minting shows."""
    creds = pliance.Credentials.of(
        secret="bench-secret-0123456789abcdef-0123456789", issuer="i", given_name="g", subject="s"
    )
    token = "Bearer " + pliance.mint_token(creds)

    def static(r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = token
        return r

    variants: dict[str, Callable[[requests.PreparedRequest], requests.PreparedRequest]] = {
        "static header (floor)": static,
        "SDK-style PyJWT AuthBase": SdkStyleAuth(creds),
        "kit PlianceAuth": pliance.PlianceAuth(creds),
    }
    prepared = requests.Request("GET", "http://127.0.0.1/api/Ping").prepare()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, auth in variants.items():
            for _ in range(100):
                began = time.perf_counter()
                auth(prepared)
                samples[name].append(time.perf_counter() - began)
    floor = statistics.median(samples["static header (floor)"])
    return [(name, statistics.median(v) * 1e6, statistics.median(v) / floor) for name, v in samples.items()]


def _floor_rps(clients: int = 8, calls: int = 500) -> float:
    """The same load against a trivial WSGI app behind the sandboxes' server class, through kit sessions
    without auth: what the server and the client cost before any provider's work."""
    from load import run_clients  # the load test's thread runner, from tests/

    from kit.serving import BackgroundServer
    from kit.session import Session

    def app(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]

    with BackgroundServer(app, name="floor") as server:
        base = f"http://127.0.0.1:{server.port}/"

        def client() -> None:
            s: Session[None] = Session(base, provider="floor")
            for _ in range(calls):
                assert s.request("GET", "ping").status_code == 200
                s.journal.clear()

        return clients * calls / run_clients(client, clients)


def sandbox_throughput() -> list[str]:
    """8 clients x 500 authenticated calls against each sandbox (the load test's workload), req/s,
    as a ratio to a trivial WSGI app behind the same server class (the floor), in the same run."""
    from load import load  # the load test's workload, from tests/

    import kit
    from kit.providers import names

    floor = _floor_rps()
    what = "sandbox throughput, 8 clients × 500 calls"
    lines = [f"| {what} | trivial WSGI app, same server class (floor) | {floor:.0f} req/s | 1.00x |"]
    for name in names():
        with kit.connect(name, environ={}) as target:
            result = load(target, clients=8, calls=500)
        lines.append(
            f"| {what} | {name} (authenticated, {result['errors']:.0f} errors) | "
            f"{result['rps']:.0f} req/s | {result['rps'] / floor:.2f}x |"
        )
        print(f"  throughput: {name} done", file=sys.stderr, flush=True)
    return lines


def _nbval_seconds(folder: Path) -> float:
    began = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "nbval_sanitize.cfg"),
            str(folder),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began


def nbval_cost() -> list[tuple[str, float, float]]:
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebooks:
            empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
            empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nbformat.write(empty, Path(tmp) / path.name)
        real, floor = [], []
        for run in range(NBVAL_RUNS):
            floor.append(_nbval_seconds(Path(tmp)))
            real.append(_nbval_seconds(ROOT / "notebooks"))
            print(f"  nbval: run {run + 1}/{NBVAL_RUNS}", end="\r", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    f, r = statistics.median(floor), statistics.median(real)
    return [(f"{len(notebooks)} one-cell notebooks (floor)", f, 1.0), (f"{len(notebooks)} kit notebooks", r, r / f)]


def session_rows() -> list[str]:
    """Every session row: a kit session against the same request with static or precomputed headers."""
    lines = []
    for name, micros, ratio in request_overhead():
        lines.append(f"| GET api/Ping on the Pliance sandbox | {name} | {micros:.0f} µs | {ratio:.2f}x |")
    lines += signicat_bench.session_rows()
    lines += session_bench.run()
    return lines


def main() -> int:
    if sys.argv[1:] == ["sessions"]:  # only the session rows (a minute), to compare before and after a change
        print("\n".join(["| measure | variant | median | ratio |", "|---|---|---|---|", *session_rows()]))
        return 0
    if sys.argv[1:] == ["light"]:  # only how light kit is: imports, the token command, HTTPie, the fast tier
        print("\n".join(["| measure | variant | median | ratio |", "|---|---|---|---|", *light_bench.run()]))
        return 0
    if sys.argv[1:] == ["httpx"]:  # only kit's auth in httpx
        print("\n".join(["| measure | variant | median | ratio |", "|---|---|---|---|", *httpx_bench.run()]))
        return 0
    print(f"kit bench: {ROUNDS}x{PER_ROUND} interleaved requests per variant, {NBVAL_RUNS} nbval runs", file=sys.stderr)
    lines = ["| measure | variant | median | ratio |", "|---|---|---|---|"]
    for name, micros, ratio in auth_only():
        lines.append(f"| auth callable only, no network | {name} | {micros:.1f} µs | {ratio:.1f}x |")
    lines += session_rows()
    lines += httpx_bench.run()
    lines += light_bench.run()
    lines += signicat_bench.run()
    lines += journal_bench.run()
    lines += secrets_bench.run()
    lines += sandbox_throughput()
    for name, seconds, ratio in nbval_cost():
        lines.append(f"| pytest --nbval wall time | {name} | {seconds:.2f} s | {ratio:.2f}x |")
    lines += suite_bench.run()
    lines += lab_bench.run()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
