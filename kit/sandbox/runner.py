"""Run an emulator on a real socket: werkzeug on 127.0.0.1, port 0, in a daemon thread.

TLS uses a trustme CA made per sandbox; ``ca_bundle`` is the PEM clients pass as ``verify=``.
With mutual TLS the server asks for a client certificate and the emulator decides what to
answer without one (so the answer is the provider's envelope, not a failed handshake);
``client_cert`` is a PEM with key and chain for requests' ``cert=``. Crashes inside handlers
are collected and re-raised by :meth:`Sandbox.check`; access logs go to the ``kit.sandbox``
logger at DEBUG, redacted.
"""

from __future__ import annotations

import html
import logging
import ssl
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trustme
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Request, Response

from kit.errors import SandboxError
from kit.sandbox.base import MAX_BODY, Emulator, json_response
from kit.sandbox.control import Control
from kit.secrets import redact
from kit.serving import BackgroundServer
from kit.surface.openapi import openapi
from kit.surface.swagger2 import swagger2

__all__ = ["DOCUMENT_PATHS", "Sandbox"]

#: where a sandbox may serve its API document (the others are the emulator's to answer)
DOCUMENT_PATHS = frozenset({"/openapi.json", "/swagger.json"})

log = logging.getLogger("kit.sandbox")


class Sandbox(BackgroundServer):
    """A running emulator: ``url``, ``credentials``, ``ca_bundle``, ``client_cert``, ``control``, ``stop()``."""

    def __init__(
        self,
        emulator_type: type[Emulator],
        *,
        tls: bool = False,
        mtls: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        credentials: dict[str, str] | None = None,
        settings: dict[str, Any] | None = None,
        url_host: str | None = None,
    ) -> None:
        """``url_host``: the host name its URL gives, when not the address it listens on (``localhost``)."""
        self.name = emulator_type.NAME
        self.tls = tls or mtls
        self.mtls = mtls
        self.errors: list[BaseException] = []
        self._dir = tempfile.TemporaryDirectory(prefix=f"kit-{self.name}-")
        self._ca: trustme.CA | None = None
        self.ca_bundle: str | None = None
        self.client_cert: str | None = None
        context = self._tls_context(host) if self.tls else None
        self._emulator = emulator_type(settings or {}, credentials, mtls=mtls, ca_bundle=self.ca_file())
        try:
            super().__init__(self._app, host=host, port=port, ssl_context=context, name=f"kit-sandbox-{self.name}")
        except OSError as exc:
            self._dir.cleanup()
            raise SandboxError(f"{self.name} sandbox cannot listen on {host}:{port}: {exc}") from None
        self.url = f"{self.scheme}://{url_host or host}:{self.port}/"
        self.control = Control(self._emulator, self.url)

    @property
    def ca(self) -> trustme.CA:
        """The sandbox's certificate authority (made on first use); it also signs webhook receivers."""
        if self._ca is None:
            self._ca = trustme.CA(organization_name="kit sandbox")
        return self._ca

    def ca_file(self) -> str:
        """Path of the CA certificate PEM (written on first use)."""
        path = Path(self._dir.name) / "ca.pem"
        if not path.exists():
            self.ca.cert_pem.write_to_path(str(path))
        return str(path)

    def _tls_context(self, host: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(host, "localhost").configure_cert(context)
        self.ca_bundle = self.ca_file()
        if self.mtls:
            self.ca.configure_trust(context)
            context.verify_mode = ssl.CERT_OPTIONAL
            client = Path(self._dir.name) / "client.pem"
            self.ca.issue_cert("client@kit.test").private_key_and_cert_chain_pem.write_to_path(str(client))
            self.client_cert = str(client)
        return context

    @property
    def credentials(self) -> dict[str, str]:
        return dict(self._emulator.credentials)

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self._emulator.settings)

    def _fault(self, request: Request, environ: dict[str, Any]) -> Response | None:
        """Apply the ``fault`` setting to the provider's token/login endpoints (None: no fault here)."""
        settings = self._emulator.settings
        if settings["fault"] == "none" or request.path.strip("/") not in self._emulator.TOKEN_PATHS:
            return None
        fault = settings["fault"]
        if fault == "503-once":
            settings["fault"] = "none"
            return Response('{"error": "temporarily_unavailable"}', 503, content_type="application/json")
        if fault == "slow":
            time.sleep(settings["fault_delay"])
            return None
        if fault == "reset":  # the connection breaks mid-answer: 10 of the 1000 promised bytes, then close
            request.get_data()  # read the request first, or the server waits on it before closing
            return Response(
                iter([b'{"partial']), 200, headers={"Content-Length": "1000"}, content_type="application/json"
            )
        return Response("{not json", 200, content_type="application/json")

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if (request.content_length or 0) <= MAX_BODY:  # larger bodies: the emulator refuses them unread
            try:
                request.get_data(cache=True)  # within the read timeout and the deadline, or the client is too slow
            except (OSError, ClientDisconnected) as exc:
                if "chunk" in str(exc).lower():  # werkzeug's dechunking: a malformed chunk size or terminator
                    return Response('{"error": "the chunked request body is malformed"}', 400)(environ, start_response)
                return Response('{"error": "the request body did not arrive in time"}', 408)(environ, start_response)
        if request.path == "/" and request.method == "GET":  # the sandbox describes itself
            return self._describe(request)(environ, start_response)
        if request.method == "GET" and request.path in DOCUMENT_PATHS:  # its API as OpenAPI (Swagger 2.0 too)
            document = self._documents().get(request.path)
            if document is not None:
                return json_response(document())(environ, start_response)
        try:
            response = self._fault(request, environ) or self._emulator.dispatch(request)
        except Exception as exc:  # a bug in the emulator, never a client mistake
            self.errors.append(exc)
            log.debug("handler failed: %s", redact(repr(exc)))
            response = self._emulator.server_error()
        self._emulator.saw(request, response.status_code)
        return response(environ, start_response)

    def describe(self) -> dict[str, Any]:
        """Its endpoint map: routes and the credential layer each needs, credential field names, settings,
        and where its OpenAPI document is."""
        links = {name.strip("/").removesuffix(".json"): self.url + name.lstrip("/") for name in self._documents()}
        return {"url": self.url, **links, **self._emulator.describe()}

    def _documents(self) -> dict[str, Callable[[], dict[str, Any]]]:
        """The API documents this sandbox serves, by path."""
        surface = self._emulator.SURFACE
        documents = {"/openapi.json": lambda: openapi(surface, self.url)}
        if surface.swagger2:
            documents["/swagger.json"] = lambda: swagger2(openapi(surface, self.url))
        return documents

    def _describe(self, request: Request) -> Response:
        description = self.describe()
        if "text/html" in request.headers.get("Accept", ""):
            return Response(_page(description), content_type="text/html; charset=utf-8")
        return json_response(description)

    def cli_extras(self) -> dict[str, Any]:
        """Top-level fields the CLI prints for this sandbox besides URL and credentials (a public key)."""
        return self._emulator.cli_extras()

    def url_for(self, path: str) -> str:
        return self.url + path.lstrip("/")

    def check(self) -> None:
        """Raise SandboxError for the first crash collected inside a handler."""
        if self.errors:
            first = self.errors[0]
            raise SandboxError(f"{self.name} sandbox handler failed: {type(first).__name__}: {first}") from first

    def stop(self) -> None:
        """Stop serving, close the socket and remove the certificate files. Safe to call twice."""
        super().stop()
        self._dir.cleanup()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"<Sandbox {self.name} {self.url} {state}>"


def _page(description: dict[str, Any]) -> str:
    """The endpoint map as a small HTML page, for a person who opens the sandbox's URL in a browser."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(x['method'])}</td><td><code>/{e(x['path'])}</code></td><td>{e(x['needs'])}</td>"
        f"<td>{e(x['note'])}</td><td>{e(x['source'])}</td></tr>"
        for x in description["endpoints"]
    )
    fields = ", ".join(e(f) for f in description["demo credential fields"])
    return (
        f"<!doctype html><title>kit sandbox: {e(description['provider'])}</title>"
        f"<h1>kit sandbox: {e(description['provider'])}</h1><p>{e(description['url'])}</p>"
        f'<p>OpenAPI 3.1: <a href="{e(description["openapi"])}">{e(description["openapi"])}</a></p>'
        "<table border=1 cellpadding=4><tr><th>method</th><th>path</th><th>needs</th><th>note</th><th>source</th></tr>"
        f"{rows}</table><p>Demo credential fields (values: the serve command's JSON line): {fields}</p>"
    )
