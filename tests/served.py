"""A sandbox served as if live: ``kit sandbox serve NAME --write-env FILE`` in another process, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


@contextmanager
def served_env(
    name: str, folder: Path, env: dict[str, str] | None = None, *, options: Sequence[str] = (), kit: Path = BIN / "kit"
) -> Iterator[Path]:
    """Serve provider ``name``'s sandbox on a free port (``options``: ``--tls``, …; ``kit``: the command, a reader's
    venv's); yield the env file it wrote (stopped at the end)."""
    env_file = folder / f"{name}.env"
    args = [str(kit), "sandbox", "serve", name, *options, "--port", "0", "--write-env", str(env_file)]
    server = subprocess.Popen(
        args, env=os.environ.copy() if env is None else env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # where it serves: the env file is written by then
        assert f"{name} sandbox at" in line, line
        yield env_file
    finally:
        server.terminate()
        server.wait(timeout=20)


def env_values(path: Path) -> dict[str, str]:
    """The ``export NAME=value`` lines of ``path``, read by bash itself (so the quoting is bash's)."""
    shown = subprocess.run(
        ["env", "-i", "bash", "-c", f"set -a; . {path}; env -0"], capture_output=True, check=True, timeout=30
    )
    pairs = (item.split("=", 1) for item in shown.stdout.decode().split("\0") if "=" in item)
    return {k: v for k, v in pairs if k not in ("PWD", "SHLVL", "_", "OLDPWD")}
