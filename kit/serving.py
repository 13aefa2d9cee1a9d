"""A werkzeug server on a real socket, in a daemon thread, with a clean lifecycle.

Shared by the sandboxes and the webhook receiver: binds (port 0 by default), reads the port
back, serves in a daemon thread, stops with ``shutdown`` + ``join`` + close, works as a context
manager. Its access and error logs go to the ``kit.sandbox`` logger at DEBUG, redacted.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from kit.finishing import Finishing
from kit.secrets import redact

__all__ = ["READ_TIMEOUT", "REQUEST_DEADLINE", "BackgroundServer", "RedactingHandler"]

log = logging.getLogger("kit.sandbox")
READ_TIMEOUT = 5.0  # seconds a server waits for the next bytes of a request
REQUEST_DEADLINE = 15.0  # seconds a whole request (line, headers, body) may take to arrive
POLL_INTERVAL = 0.01  # how often an idle server checks for stop(): how long a stop waits at most


class RedactingHandler(WSGIRequestHandler):
    """werkzeug request handler whose access and error logs go to `kit.sandbox` at DEBUG, redacted.

    Every socket read has a timeout (:data:`READ_TIMEOUT`), and each request has a total deadline
    for arriving (:data:`REQUEST_DEADLINE`, request line, headers and body): past it the connection's
    reading side is shut, so a client that opens a connection and says nothing, or drips its request
    a byte at a time, cannot hold a handler thread. ``Expect: 100-continue`` gets one interim 100.
    """

    timeout = READ_TIMEOUT  # StreamRequestHandler applies it to the connection
    default_request_version = "HTTP/1.0"  # so a malformed request line still gets a status line: 400

    def handle_one_request(self) -> None:
        timer = threading.Timer(REQUEST_DEADLINE, self._stop_reading)
        timer.daemon = True
        timer.start()
        try:
            super().handle_one_request()
        finally:
            timer.cancel()

    def _stop_reading(self) -> None:
        """The deadline passed: further reads see the end of the stream; answers can still be written."""
        try:
            socket.socket.shutdown(self.connection, socket.SHUT_RD)  # the plain socket's: TLS keeps its state
        except OSError:
            pass  # closed already

    def handle_expect_100(self) -> bool:
        return True  # werkzeug sends the interim 100 itself when the app reads the body: one, not two

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # a malformed request line is answered 400 before command and path are known
        log.debug("%s %s -> %s", getattr(self, "command", None) or "-", redact(getattr(self, "path", "")), code)

    def log_error(self, format: str, *args: Any) -> None:
        log.debug("error: %s", redact(format % args))

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s", redact(format % args))


def _server_log(type: str, message: str, *args: Any) -> None:
    log.debug("%s: %s", type, redact(message % args if args else message))


def _probe(host: str, port: int) -> None:
    """Raise OSError if ``port`` is taken: werkzeug would print and ``sys.exit()`` instead."""
    if port:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))


class BackgroundServer(Finishing):
    """Serve a WSGI app on ``host:port`` in a daemon thread until :meth:`stop`."""

    def __init__(
        self,
        app: Callable[..., Any],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        name: str = "kit-server",
    ) -> None:
        _probe(host, port)
        try:
            self._server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, request_handler=RedactingHandler, ssl_context=ssl_context
            )
        except SystemExit as exc:  # werkzeug exits on some bind failures
            raise OSError(f"cannot listen on {host}:{port}") from exc
        # werkzeug's own error log (a request it could not finish, say a body that timed out) goes where
        # the access log goes, instead of a traceback on stderr
        setattr(self._server, "log", _server_log)  # noqa: B010 - an instance attribute shadows the method
        self.host = host
        self.port = self._server.port
        self.scheme = "https" if ssl_context is not None else "http"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, name=name, daemon=True
        )
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and close the socket. Safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def _finish(self, ended_by: BaseException | None) -> None:
        self.stop()
