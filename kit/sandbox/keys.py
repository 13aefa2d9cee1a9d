"""RSA signing keys for sandboxes: each one fresh and used once, the next made ahead of time.

Generating a 2048-bit key takes tens of milliseconds, and a notebook may start several sandboxes
that sign tokens. The first key is made when asked for; from then on a daemon thread keeps one
more ready (OpenSSL does most of the work outside the GIL), so the next sandbox usually finds it.
No key is ever handed out twice.
"""

from __future__ import annotations

import queue
import threading

from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["new_key"]

_ready: queue.Queue[rsa.RSAPrivateKey] = queue.Queue(maxsize=1)
_maker: threading.Thread | None = None
_lock = threading.Lock()


def _generate() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _keep_one_ready() -> None:
    while True:
        _ready.put(_generate())  # waits while a key is ready


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA private key that no one else has been given."""
    global _maker
    with _lock:
        if _maker is None:
            _maker = threading.Thread(target=_keep_one_ready, name="kit-sandbox-keys", daemon=True)
            _maker.start()
    try:
        return _ready.get_nowait()
    except queue.Empty:
        return _generate()
