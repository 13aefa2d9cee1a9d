"""Signzy sandbox: LoopBack 3 channel logins, opaque tokens, logout, change password, child channels.

CONFIRMED (shared notes, section 4): ``POST /api/channels/login`` and ``/api/customers/login``
with ``{username, password}`` answer ``{id, ttl, created, userId}``; the token travels raw in
``Authorization`` or as ``?access_token=``; customers log out with ``POST .../logout`` (204); a
channel is created by another channel only, which sets its username and password; channel
paths ``/api/channels/{id}``, ``/api/channels/{id}/channels``, ``/api/channels/{id}/onboardings``.

INFERRED from LoopBack 3 (Signzy runs it, by every sign, and is silent here), and OBSERVED against a
real LoopBack 3 app modelling Signzy's channels on the built-in User model
(``tests/conformance/loopback``; the differential test sends both the same requests). How the
framework answers is in :mod:`kit.providers.signzy.loopback`; what this app adds:

* channels are User models: login by ``username`` or ``email`` (400 ``USERNAME_EMAIL_REQUIRED``
  without either), a wrong or missing password 401 ``LOGIN_FAILED``; ttl 1209600 s (14 days) by
  default, at most ``max_ttl`` (1 year); ``ttl: -1`` gives a token refused on first use;
* the ACL: a channel reads itself, lists, creates and deletes its children and creates onboardings
  (``$owner``); anything else, another channel's data included, is 401 ``AUTHORIZATION_REQUIRED``;
* logout needs the token that logs out (401 ``accessToken is required to logout``, no code);
  ``POST /api/channels/change-password`` ``{oldPassword, newPassword}`` (400 ``INVALID_PASSWORD``
  on a wrong old one) answers 204 and ends the channel's **other** tokens; the paths of channel
  logout, change password and deleting a child are LoopBack's (inferred: Signzy documents none);
* kit's choice, where LoopBack differs: change-password also takes a new ``username`` (the docs say
  username and password can both be changed, and name no other route; 422 when it is taken or blank);
* a child needs ``username``, ``password`` and ``email`` (422 ``ValidationError``, as the User model
  validates them), unique username and email; deleting it ends its tokens.

Where the sandbox knowingly answers otherwise than that app, and why: :data:`kit.providers.signzy.probes.DIFFERENCES`
(shown by :func:`kit.known_differences`).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.providers.signzy import loopback as lb
from kit.providers.signzy.protocol import MODELS, SEED_ID
from kit.providers.signzy.surface import SURFACE
from kit.sandbox.base import Emulator as _Base
from kit.sandbox.base import Setting, json_response

__all__ = ["Emulator", "SEED_EMAIL", "SEED_ID"]

#: the access token a request carries, as the sandbox keeps it (None: anonymous)
Token = dict[str, Any] | None

DEMO = {"username": "kit-demo-channel", "password": "kit-demo-signzy-password-6d2f9a41c7"}
SEED_EMAIL = "kit-demo-channel@example.invalid"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Emulator(_Base):
    """Channels with passwords, tokens with a ttl, and parent/child channels."""

    TOKEN_PATHS = ("api/channels/login", "api/customers/login")
    FETCH_COUNT = "live_tokens"
    SURFACE = SURFACE
    SETTINGS = (
        Setting("ttl", int, 1209600, "default token ttl in seconds (LoopBack: 14 days)", 1, 31556926),
        Setting("max_ttl", int, 31556926, "largest ttl a login may ask for (LoopBack: 1 year)", 1, 31556926),
    )
    RELATIONS = {"channels": ("channels", "onboardings", "accessTokens"), "customers": ("accessTokens",)}
    OWNER_ALLOWS = frozenset(
        ("findById", "__get__channels", "__create__channels", "__destroyById__channels", "__create__onboardings")
    )

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(settings, credentials, **kwargs)
        seed = {"id": SEED_ID, "username": self.credentials["username"], "email": SEED_EMAIL, "parentId": None}
        self.users: dict[str, dict[str, dict[str, Any]]] = {
            "channels": {SEED_ID: {**seed, "password": self.credentials["password"]}},
            "customers": {"cu-1": {**seed, "id": "cu-1", "password": self.credentials["password"]}},
        }
        self.tokens: dict[str, dict[str, Any]] = {}
        self.onboardings = 0
        self.children = 1

    @property
    def channels(self) -> dict[str, dict[str, Any]]:
        return self.users["channels"]

    def demo_credentials(self) -> dict[str, str]:
        return dict(DEMO)

    def expire(self, token: str) -> None:
        row = self.tokens.get(token)
        if row is None:
            raise ConfigError("the signzy sandbox has no such token (logged out, or never issued)")
        ttl = row["ttl"] if isinstance(row["ttl"], (int, float)) and row["ttl"] > 0 else 1
        row["ttl"] = ttl  # a token without a usable ttl (null, -1) gets one, already run out
        row["created"] = self.now() - ttl - 1

    def counts(self) -> dict[str, int]:
        return {"live_tokens": len(self.tokens)}

    # -- the pipeline: token middleware, routing, ACL, the method ---------------------------------

    def dispatch(self, request: Request) -> Response:
        try:
            return self._dispatch(request)
        except lb.Refused as refused:
            return refused.response()

    def _dispatch(self, request: Request) -> Response:
        path = request.path.strip("/")
        if path != "api" and not path.startswith("api/"):
            raise lb.Refused(404, f"Cannot {request.method} {request.path}")
        token = self._resolve(request)
        parts = path.split("/")[1:]
        if not parts or parts[0] not in MODELS:
            raise lb.Refused(404, f"There is no method to handle {request.method} /{'/'.join(parts)}")
        model = parts[0]
        rest = parts[1:]
        name, instance, _ = lb.remote_method(request.method, rest, self.RELATIONS[model])
        shown = "/" + "/".join(rest)
        unknown = lb.Refused(404, f'Shared class "{model[:-1]}" has no method handling {request.method} {shown}')
        if not name:
            raise unknown
        self._check_acl(name, instance, token)
        found = self.ROUTES.at(path)  # the surface's handler for the remote method LoopBack found
        endpoint = found.methods.get(request.method)
        if endpoint is None:  # a remote method of LoopBack's User model the sandbox does not emulate
            raise unknown
        answered: Response = self.handler(endpoint)(request, model, token, **found.params(request.method))
        return answered

    def _resolve(self, request: Request) -> dict[str, Any] | None:
        """The token the request carries: refused when expired, anonymous (None) when unknown."""
        token_id = lb.token_id(request)
        row = self.tokens.get(token_id or "")
        if row is None:
            return None
        ttl = row["ttl"]
        if ttl == -1 or (ttl is not None and self.now() >= row["created"] + ttl):
            del self.tokens[str(token_id)]
            raise lb.Refused(401, "Invalid Access Token", "INVALID_TOKEN")
        return {**row, "id": token_id}

    def _check_acl(self, name: str, instance: str | None, token: dict[str, Any] | None) -> None:
        if name in ("login", "logout"):
            return
        if token is not None and name == "changePassword":
            return
        if token is not None and name in self.OWNER_ALLOWS and instance == token["userId"]:
            return
        raise lb.Refused(401, "Authorization Required", "AUTHORIZATION_REQUIRED")

    # -- the User model's methods -----------------------------------------------------------------

    def _login(self, request: Request, model: str, token: Token) -> Response:
        body = lb.as_object(lb.read_body(request, {}), "credentials")
        username = body.get("username")
        email = body.get("email")
        if not username and not email:
            raise lb.Refused(400, "username or email is required", "USERNAME_EMAIL_REQUIRED")
        field, wanted = ("email", email) if email else ("username", username)
        user = next((u for u in self.users[model].values() if u[field] == wanted), None)
        password = body.get("password")
        if (
            user is None
            or not isinstance(password, str)
            or not secrets.compare_digest(password.encode(), user["password"].encode())
        ):
            raise lb.Refused(401, "login failed", "LOGIN_FAILED")
        ttl = lb.js_ttl(body.get("ttl"), self.settings["ttl"], self.settings["max_ttl"])
        ttl_value: float | int | None = int(ttl) if ttl is not None and ttl == int(ttl) else ttl
        token_id = secrets.token_urlsafe(48)
        now = self.now()
        self.tokens[token_id] = {"ttl": ttl_value, "created": now, "userId": user["id"], "model": model}
        return json_response({"id": token_id, "ttl": ttl_value, "created": _iso(now), "userId": user["id"]})

    def _logout(self, request: Request, model: str, token: Token) -> Response:
        if token is None:
            raise lb.Refused(401, "accessToken is required to logout")
        self.tokens.pop(token["id"], None)
        return lb.no_content()

    def _change_password(self, request: Request, model: str, token: Token) -> Response:
        assert token is not None  # the ACL let only an authenticated caller through
        body = lb.read_body(request, {})
        body = body if isinstance(body, dict) else {}
        old = lb.required(body, "oldPassword")
        new = lb.required(body, "newPassword")
        user = self.users[model][token["userId"]]
        if not isinstance(old, str) or not secrets.compare_digest(old.encode(), user["password"].encode()):
            raise lb.Refused(400, "Invalid current password", "INVALID_PASSWORD")
        username = body.get("username")
        if username is not None and username != user["username"]:  # the docs: both can be changed (kit's route)
            taken = any(u["username"] == username for u in self.users[model].values())
            if not isinstance(username, str) or not username or taken:
                problem = ("uniqueness", "User already exists") if taken else ("presence", "can't be blank")
                raise lb.invalid("channel", [("username", *problem)], body)
            user["username"] = username
        user["password"] = str(new)
        for other in [t for t, row in self.tokens.items() if row["userId"] == user["id"] and t != token["id"]]:
            del self.tokens[other]  # LoopBack ends every other session of the user
        return lb.no_content()

    # -- a channel's own methods (the ACL let only its owner through) ----------------------------

    def _find_by_id(self, request: Request, model: str, token: Token, id: str) -> Response:
        return json_response(self._public(self.users[model][id]))

    def _list_children(self, request: Request, model: str, token: Token, id: str) -> Response:
        return json_response([self._public(c) for c in self.channels.values() if c["parentId"] == id])

    def _delete_child(self, request: Request, model: str, token: Token, id: str, child: str) -> Response:
        gone = self.channels.get(child)
        if gone is None or gone["parentId"] != id:
            raise lb.Refused(404, f"No instance with id {child} found for channel")
        del self.channels[child]
        for token_id in [t for t, row in self.tokens.items() if row["userId"] == gone["id"]]:
            del self.tokens[token_id]  # a deleted user's tokens go with it
        return lb.no_content()

    def _create_onboarding(self, request: Request, model: str, token: Token, id: str) -> Response:
        body = lb.as_object(lb.read_body(request, {}), "data")
        self.onboardings += 1
        made = {"id": f"onb-{self.onboardings}", "name": body.get("name"), "channelId": id}
        return json_response({k: v for k, v in made.items() if v is not None})

    def _create_child(self, request: Request, model: str, token: Token, id: str) -> Response:
        parent = self.users[model][id]
        body = lb.as_object(lb.read_body(request, {}), "data")
        problems: list[tuple[str, str, str]] = []  # (property, code, message)
        if not body.get("password"):
            problems.append(("password", "presence", "can't be blank"))
        email = body.get("email")
        if not email:
            problems.append(("email", "presence", "can't be blank"))
        elif not isinstance(email, str) or not _EMAIL.match(email):
            problems.append(("email", "custom.email", "is invalid"))
        elif any(c["email"] == email for c in self.channels.values()):
            problems.append(("email", "uniqueness", "Email already exists"))
        username = body.get("username")
        if username and any(c["username"] == username for c in self.channels.values()):
            problems.append(("username", "uniqueness", "User already exists"))
        if problems:
            raise lb.invalid("channel", problems, body)
        self.children += 1
        child = {
            "id": f"ch-{self.children}",
            "parentId": parent["id"],
            "username": None if username is None else str(username),
            "email": str(email),
            "password": str(body["password"]),
        }
        self.channels[child["id"]] = child
        return json_response(self._public(child))

    @staticmethod
    def _public(user: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in user.items() if k != "password" and v is not None}
