"""How a sandbox delivers a webhook: to loopback only, once, within a deadline, reading a bounded answer.

A sandbox's test delivery (a webhook poke) runs on the user's machine: it must not reach the
network, follow a receiver's redirect (requests re-sends custom headers, a shared secret among
them, to wherever a 307 points), or wait on a receiver that drips its answer. :func:`deliver`
sends one POST without following redirects, stops after about :data:`DEADLINE` seconds in all
(connect, send, and reading the answer; each read waits at most :data:`READ_WAIT`), reads at most
:data:`MAX_ANSWER` bytes and says when it cut.
:func:`is_loopback` is the default allow-list: ``localhost`` and loopback addresses written as
addresses (a name that merely resolves to one, such as ``0x7f000001``, is not).
"""

from __future__ import annotations

import ipaddress
import time

import requests

__all__ = ["DEADLINE", "MAX_ANSWER", "deliver", "is_loopback"]

DEADLINE = 5.0
#: each connect and each read waits at most this long, so a drip cannot outlast the deadline by more
READ_WAIT = 2.0
MAX_ANSWER = 64 * 1024


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1), as written."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def deliver(url: str, body: str, headers: dict[str, str], *, verify: bool | str) -> tuple[int, str]:
    """POST ``body`` to ``url`` once: the status and at most MAX_ANSWER bytes of the answer.

    :raises requests.RequestException: no answer within the deadline (a ``Timeout``), or none at all.
    """
    began = time.monotonic()
    with requests.post(
        url,
        data=body,
        headers=headers,
        verify=verify,
        timeout=(READ_WAIT, READ_WAIT),
        allow_redirects=False,
        stream=True,
    ) as answer:
        kept = bytearray()
        for chunk in answer.iter_content(4096):
            kept += chunk
            if len(kept) > MAX_ANSWER:
                text = bytes(kept[:MAX_ANSWER]).decode("utf-8", "replace")
                return answer.status_code, text + f" [cut: the answer is longer than {MAX_ANSWER} bytes]"
            if time.monotonic() - began > DEADLINE:
                raise requests.Timeout(f"the receiver took more than {DEADLINE:.0f} s to answer")
        return answer.status_code, bytes(kept).decode("utf-8", "replace")
