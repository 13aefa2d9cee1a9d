"""A local webhook receiver: an HTTPS (or HTTP) endpoint that collects deliveries in a table.

Give it a trustme CA (a sandbox's ``.ca``) so the sender trusts its certificate. When it is
told which header carries a shared secret and what the secret is, each delivery is checked
with a constant-time comparison and the table shows ``match``, ``mismatch`` or ``missing``;
a provider that signs what it sends instead (a signature over the URL and the body) gives a ``check``:
``check(url, headers, raw_body)`` says the same three words. Header values are redacted like every other
kit sink.
"""

from __future__ import annotations

import hmac
import json
import ssl
import threading
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import trustme
from requests.structures import CaseInsensitiveDict
from werkzeug.wrappers import Request, Response

from kit.arguments import checked
from kit.bounded import LimitError, loads
from kit.record.journal import now_utc
from kit.secrets import Secret, redact, reveal
from kit.serving import BackgroundServer
from kit.tables import Table

__all__ = ["WebhookReceiver"]

COLUMNS = ["n", "received", "method", "path", "event", "secret_header", "secret_check", "body"]


class WebhookReceiver(BackgroundServer):
    """Collect webhook deliveries on 127.0.0.1; ``.url``, ``.deliveries``, ``.table()``, ``.stop()``."""

    @checked
    def __init__(
        self,
        ca: trustme.CA | None = None,
        *,
        tls: bool = True,
        secret: Secret | str | None = None,
        secret_header: str | None = None,
        path: str = "/webhook",
        check: Callable[[str, Mapping[str, str], bytes], str] | None = None,
    ) -> None:
        self.secret = Secret(secret) if isinstance(secret, str) else secret
        self.secret_header = secret_header
        self.check = check
        self.deliveries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        context = None
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            (ca or trustme.CA()).issue_cert("127.0.0.1", "localhost").configure_cert(context)
        super().__init__(self._app, ssl_context=context, name="kit-webhooks")
        self.url = f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def _check(self, headers: Any) -> str:
        if not self.secret_header:
            return ""
        sent = headers.get(self.secret_header)
        if sent is None:
            return "missing"
        wanted = reveal(self.secret) or ""
        return "match" if hmac.compare_digest(sent.encode(), wanted.encode()) else "mismatch"

    def _checked(self, headers: Any, raw: bytes) -> str:
        """The ``check`` given (on a case-insensitive copy of the headers), else the shared secret's."""
        if self.check is not None:
            return self.check(self.url, CaseInsensitiveDict(headers.items()), raw)
        return self._check(headers)

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        headers = request.headers  # case-insensitive
        raw = request.get_data()
        text = raw.decode("utf-8", "replace")
        status = 200
        refused = ""
        try:
            body: Any = loads(text, what="the delivery") if text else None
        except LimitError as exc:  # kept as a record, answered 413: the sender learns it was not read
            body = f"[{exc}; {len(text):,} characters not shown]"
            status = 413
            refused = str(exc)
        except ValueError:
            body = text
        with self._lock:
            self.deliveries.append(
                {
                    "n": len(self.deliveries) + 1,
                    "received": now_utc().strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "method": request.method,
                    "path": request.path,
                    "event": body.get("type", "") if isinstance(body, dict) else "",
                    "secret_header": redact(headers.get(self.secret_header, ""), key="secret")
                    if self.secret_header
                    else "",
                    "secret_check": self._checked(headers, raw),
                    "headers": {k: redact(v, key=k) for k, v in headers.items(lower=False)},
                    "body": redact(body),
                    "status": status,
                }
            )
        answer = f"not read: {refused}" if refused else "received"
        return Response(answer, status=status, content_type="text/plain")(environ, start_response)

    def table(self) -> pd.DataFrame:
        """One row per delivery, redacted; the body as compact JSON."""
        with self._lock:
            rows = [{**d, "body": json.dumps(d["body"], ensure_ascii=False)} for d in self.deliveries]
        return Table(rows, columns=COLUMNS).set_index("n")

    def __repr__(self) -> str:
        return f"<WebhookReceiver {self.url} deliveries={len(self.deliveries)}>"
