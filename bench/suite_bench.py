"""``make test``'s pytest, timed: at a workstation's strength and at full (CI) strength, one run each.

Full strength is what every run did before the workstation profile existed (1,000 hypothesis
examples per fuzzed sandbox, 8 clients × 500 load calls per provider); a workstation now runs the
same tests with every assertion, fewer examples and calls. Wall time of the whole invocation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _seconds(full: bool) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "KIT_FULL")}
    if full:
        env["KIT_FULL"] = "1"
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:  # a timing is worthless if the suite failed: say which tests, then stop
        failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        summary = "\n".join(failed or done.stdout.splitlines()[-30:])
        raise SystemExit(f"make test's pytest failed ({'full' if full else 'workstation'} strength):\n{summary}")
    return time.perf_counter() - began


def run() -> list[str]:
    full = _seconds(full=True)
    print("  suite: full strength done", file=sys.stderr, flush=True)
    workstation = _seconds(full=False)
    print("  suite: workstation done", file=sys.stderr, flush=True)
    what = "make test's pytest, wall time"
    return [
        f"| {what} | full strength, as in CI (and as every run was before) | {full:.0f} s | 1.00x |",
        f"| {what} | a workstation's make test | {workstation:.0f} s | {workstation / full:.2f}x |",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
