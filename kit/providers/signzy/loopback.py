"""How a LoopBack 3 application answers: the framework a sandbox copies.

Each rule here was observed against a real LoopBack 3 app (loopback 3.28.0, loopback-boot 3.3.1,
juggler 3.36.1, strong-remoting 3.17.0, strong-error-handler 3.5.0 in production mode, memory
connector; ``tests/conformance/loopback``) and is checked against it by the conformance tests:

* the token is looked up in the ``access_token`` query parameter, then ``X-Access-Token``, then
  ``Authorization``: ``Bearer `` (case-sensitive) is cut and the rest base64-decoded
  (``bearerTokenBase64Encoded``), ``Basic`` (any case) is decoded and the longer half of
  ``user:pass`` taken, anything else is the id itself (``AccessToken.getIdForRequest``);
* a found token that has expired (or has ``ttl: -1``, eternal tokens being off) is deleted and
  refused with 401 ``INVALID_TOKEN`` on **every** route under the REST root, login included, before
  routing; an id that is not found is anonymous;
* routing comes before the ACL: a path no remote method handles is 404 with no ``code``; a
  handled path the ACL refuses is 401 ``AUTHORIZATION_REQUIRED`` (the default ``aclErrorStatus``),
  whoever is asking and whatever the id;
* errors are ``{error: {statusCode, name, message, code?}}``; a 204 carries
  ``Content-Type: application/json; charset=utf-8`` and no body;
* bodies: JSON (any value) or form-encoded; another media type is no body; a JSON syntax error is
  400 ``SyntaxError`` with no code; an argument that must be an object and is not: 400 ``Value is not
  an object.``; a required argument that is absent: 400 ``<name> is a required argument``;
* a login's ``ttl`` is ``Math.min(ttl || default, maxTTL)``: numeric strings count, a value that
  is not a number gives ``ttl: null``.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request, Response

from kit.sandbox.base import MAX_BODY, BodyRejected, json_response, read_json

__all__ = ["JSON_TYPE", "Refused", "as_object", "error", "js_ttl", "no_content", "read_body", "remote_method"]
__all__ += ["invalid", "required", "token_id"]

JSON_TYPE = "application/json; charset=utf-8"


class Refused(Exception):
    """An error answer: status, message, and the LoopBack ``code`` and ``name`` (``code`` may be absent)."""

    def __init__(
        self, status: int, message: str, code: str | None = None, name: str = "Error", details: Any = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.name = name
        self.details = details

    def response(self) -> Response:
        return error(self.status, self.message, self.code, self.name, self.details)


def error(status: int, message: str, code: str | None = None, name: str = "Error", details: Any = None) -> Response:
    """strong-error-handler's production envelope."""
    inner: dict[str, Any] = {"statusCode": status, "name": name, "message": message}
    if code is not None:
        inner["code"] = code
    if details is not None:
        inner["details"] = details
    return json_response({"error": inner}, status)


def no_content() -> Response:
    """LoopBack's 204: a JSON media type and an empty body."""
    response = Response(status=204)
    response.headers["Content-Type"] = JSON_TYPE
    return response


def token_id(request: Request) -> str | None:
    """The access-token id a request carries, as ``AccessToken.getIdForRequest`` finds it."""
    if "access_token" in request.args:
        return request.args["access_token"]
    for name in ("X-Access-Token", "Authorization"):
        value = request.headers.get(name)
        if value is None:
            continue
        if value.startswith("Bearer "):
            return _b64(value[7:])
        if value[:6].lower() == "basic ":
            decoded = _b64(value[6:])
            user, colon, password = decoded.partition(":")
            return (password if len(password) > len(user) else user) if colon else decoded
        return value
    return None


def _b64(text: str) -> str:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return "\x00"  # Node's Buffer decodes what it can; nothing valid is found either way


def read_body(request: Request, absent: Any = None) -> Any:
    """The body as strong-remoting sees it: JSON (any value, ``null`` included), a form, or ``absent``
    when there is none or its media type is another."""
    media = (request.mimetype or "").lower()
    if media == "application/x-www-form-urlencoded":
        if (request.content_length or 0) > MAX_BODY:
            raise Refused(413, "request entity too large", name="PayloadTooLargeError")
        return dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
    if media != "application/json" and not media.endswith("+json") or not request.get_data():
        return absent
    try:
        return read_json(request)
    except BodyRejected as rejected:
        raise Refused(400, _syntax(request, rejected.message), name="SyntaxError") from None


def _syntax(request: Request, fallback: str) -> str:
    """A JSON syntax error worded as V8 words it where kit can tell (else the reason kit refused it)."""
    try:
        json.loads(request.get_data(as_text=True))
    except json.JSONDecodeError as exc:
        return f"Unexpected token in JSON at position {exc.pos}"
    except (ValueError, RecursionError):
        pass
    return fallback


def required(body: dict[str, Any], name: str) -> Any:
    """An argument strong-remoting requires: 400 ``<name> is a required argument`` when absent."""
    value = body.get(name)
    if value is None or value == "":
        raise Refused(400, f"{name} is a required argument")
    return value


def as_object(body: Any, name: str) -> dict[str, Any]:
    """A body argument that must be an object (``credentials``, ``data``)."""
    if body is None:
        raise Refused(400, f"{name} is a required argument")
    if not isinstance(body, dict):
        raise Refused(400, "Value is not an object.")
    return body


def js_ttl(asked: Any, default: float, maximum: float) -> float | None:
    """``Math.min(asked || default, maximum)`` as JavaScript computes it; None where it gives NaN."""
    if not _truthy(asked):
        asked = default
    number = _to_number(asked)
    if number is None or math.isnan(number):
        return None
    return min(number, maximum)


def _truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")


_NUMERIC = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return float(value) if _NUMERIC.match(value) else None
    return None


_MODEL_ROUTES = {
    ("GET", ""): "find",
    ("PUT", ""): "replaceOrCreate",
    ("PATCH", ""): "patchOrCreate",
    ("GET", "count"): "count",
    ("GET", "findOne"): "findOne",
    ("POST", "update"): "updateAll",
    ("POST", "upsertWithWhere"): "upsertWithWhere",
    ("POST", "replaceOrCreate"): "replaceOrCreate",
    ("GET", "change-stream"): "createChangeStream",
    ("POST", "change-stream"): "createChangeStream",
    ("GET", "confirm"): "confirm",
    ("POST", "reset"): "resetPassword",
    ("POST", "reset-password"): "setPassword",
    ("POST", "login"): "login",
    ("POST", "logout"): "logout",
    ("POST", "change-password"): "changePassword",
}
_INSTANCE_ROUTES = {
    ("GET", ""): "findById",
    ("HEAD", ""): "exists",
    ("GET", "exists"): "exists",
    ("PUT", ""): "replaceById",
    ("PATCH", ""): "patchAttributes",
    ("DELETE", ""): "deleteById",
    ("POST", "replace"): "replaceById",
    ("POST", "verify"): "verify",
}
_RELATION_ROUTES = {
    ("GET", 0): "__get__{r}",
    ("POST", 0): "__create__{r}",
    ("DELETE", 0): "__delete__{r}",
    ("GET", 1): "__findById__{r}",
    ("PUT", 1): "__updateById__{r}",
    ("DELETE", 1): "__destroyById__{r}",
}


def remote_method(method: str, rest: list[str], relations: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """The remote method of a User-based model that handles ``method`` on ``rest`` (the path after the
    model's plural): its name, the instance id and the related id; ``("", …)`` when none does.

    Model-level names win over an instance id (``POST login``), as LoopBack's route order has it;
    ``GET <anything>`` is ``findById``, so ``GET /channels/login`` reaches the ACL, not a 404.
    """
    if len(rest) <= 1:
        name = _MODEL_ROUTES.get((method, rest[0] if rest else ""))
        if name:
            return name, None, None
    if not rest:
        return "", None, None
    instance = rest[0]
    more = rest[1:]
    if len(more) <= 1:
        name = _INSTANCE_ROUTES.get((method, more[0] if more else ""))
        if name:
            return name, instance, None
    if more and more[0] in relations:
        if more[1:] == ["count"] and method == "GET":
            return f"__count__{more[0]}", instance, None
        template = _RELATION_ROUTES.get((method, len(more) - 1)) if len(more) <= 2 else None
        if template:
            return template.format(r=more[0]), instance, more[1] if len(more) == 2 else None
    return "", instance, None


def invalid(model: str, problems: list[tuple[str, str, str]], body: dict[str, Any]) -> Refused:
    """422 ``ValidationError`` as the juggler words it: each (property, code, message), with the value sent."""
    shown = "; ".join(f"`{p}` {m} (value: {_shown(body.get(p))})" for p, _, m in problems)
    codes: dict[str, list[str]] = {}
    messages: dict[str, list[str]] = {}
    for prop, code, message in problems:
        codes.setdefault(prop, []).append(code)
        messages.setdefault(prop, []).append(message)
    details = {"context": model, "codes": codes, "messages": messages}
    message = f"The `{model}` instance is not valid. Details: {shown}."
    return Refused(422, message, name="ValidationError", details=details)


def _shown(value: Any) -> str:
    return "undefined" if value is None else json.dumps(value)
