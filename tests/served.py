"""A sandbox served as if live: ``kit sandbox serve NAME --write-env FILE`` in another process, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


@contextmanager
def served_env(name: str, folder: Path, env: dict[str, str] | None = None) -> Iterator[Path]:
    """Serve provider ``name``'s sandbox on a free port; yield the env file it wrote (stopped at the end)."""
    env_file = folder / f"{name}.env"
    args = [str(BIN / "kit"), "sandbox", "serve", name, "--port", "0", "--write-env", str(env_file)]
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
