"""The Signzy sandbox against a real LoopBack 3 app: the same requests to both, the answers compared.

The app (``tests/conformance/loopback``) models Signzy's channels as kit infers them: a ``channel``
model on the built-in User model with AccessToken, a children relation, onboardings as the protected
business route, one seeded channel ``ch-1`` with the sandbox's demo credentials. Both get the same
requests in the same order (login variants and bad bodies, every token transport and its variants,
expiry, logout and reuse, change password, children, unknown routes, odd ttl values); status,
error ``name``, ``code``, ``message``, ``details`` and the body's shape are compared. Each difference
is either none or one listed in :data:`kit.providers.signzy.sandbox.DIFFERENCES`, with its reason.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from realservers import loopback_app

from kit.providers.signzy.probes import CHECKED_AGAINST, DIFFERENCES
from kit.providers.signzy.sandbox import DEMO, SEED_EMAIL
from kit.sandbox import Sandbox, start

USER, PASSWORD = DEMO["username"], DEMO["password"]
NEW_PASSWORD = "kit-second-signzy-password-0123456789"
KID_PASSWORD = "kit-child-password-0123456789abcdef"
JSON = {"Content-Type": "application/json"}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


TRANSPORTS: dict[str, Callable[[str], tuple[dict[str, str], dict[str, str]]]] = {
    # how a token travels: (headers, query)
    "raw": lambda t: ({"Authorization": t}, {}),
    "query": lambda t: ({}, {"access_token": t}),
    "x-access-token": lambda t: ({"X-Access-Token": t}, {}),
    "Bearer raw": lambda t: ({"Authorization": f"Bearer {t}"}, {}),
    "Bearer base64": lambda t: ({"Authorization": f"Bearer {_b64(t)}"}, {}),
    "bearer base64": lambda t: ({"Authorization": f"bearer {_b64(t)}"}, {}),
    "Basic x:token": lambda t: ({"Authorization": f"Basic {_b64('x:' + t)}"}, {}),
    "Basic token:": lambda t: ({"Authorization": f"Basic {_b64(t + ':')}"}, {}),
    "empty query wins": lambda t: ({"Authorization": t}, {"access_token": ""}),
    "query beats header": lambda t: ({"Authorization": "nope"}, {"access_token": t}),
}


@dataclass
class Step:
    name: str
    method: str
    path: str
    token: str | None = None  # a captured token's name, or a literal prefixed with "="
    how: str = "raw"
    json: Any = None
    data: str | None = None
    content_type: str | None = None
    capture: str | None = None  # keep the answer's id under this name
    fields: tuple[str, ...] = ()  # body fields whose values (not only types) must agree
    allow: tuple[str, ...] = ()  # DIFFERENCES this step may show
    sleep: float = 0.0  # wait after the step (a 1 s ttl running out)


def login(
    name: str,
    *,
    user: str = USER,
    password: str = PASSWORD,
    capture: str | None = None,
    fields: tuple[str, ...] = (),
    **body: Any,
) -> Step:
    """A JSON login step; ``body`` adds fields (``ttl``)."""
    json = {"username": user, "password": password, **body}
    return Step(name, "POST", "api/channels/login", json=json, capture=capture, fields=fields)


def child(name: str, body: dict[str, Any], **more: Any) -> Step:
    """A step creating a child of ch-1 with the parent's token."""
    return Step(name, "POST", "api/channels/ch-1/channels", token="T", json=body, **more)


ME = "api/channels/ch-1"
STEPS: list[Step] = [
    # login and its bad bodies
    Step(
        "login (JSON)",
        "POST",
        "api/channels/login",
        json={"username": USER, "password": PASSWORD},
        capture="T",
        fields=("userId", "ttl"),
    ),
    Step(
        "login (form)",
        "POST",
        "api/channels/login",
        data=f"username={USER}&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
        capture="F",
        fields=("userId",),
    ),
    Step(
        "login by email",
        "POST",
        "api/channels/login",
        json={"email": SEED_EMAIL, "password": PASSWORD},
        fields=("userId",),
    ),
    login("wrong password", password="x" * 32),
    login("unknown user", user="nobody"),
    Step("missing password", "POST", "api/channels/login", json={"username": USER}),
    Step("empty JSON body", "POST", "api/channels/login", data="", content_type="application/json"),
    Step("{}", "POST", "api/channels/login", json={}),
    Step("empty username", "POST", "api/channels/login", json={"username": "", "password": "x"}),
    login("password a number", password=123),  # type: ignore[arg-type]
    Step(
        "bad JSON",
        "POST",
        "api/channels/login",
        data="{bad",
        content_type="application/json",
        allow=("JSON syntax message",),
    ),
    Step("JSON array", "POST", "api/channels/login", data="[1]", content_type="application/json"),
    Step("JSON string", "POST", "api/channels/login", data='"str"', content_type="application/json"),
    Step("JSON null", "POST", "api/channels/login", data="null", content_type="application/json"),
    Step(
        "text/plain body",
        "POST",
        "api/channels/login",
        data=f'{{"username":"{USER}","password":"{PASSWORD}"}}',
        content_type="text/plain",
    ),
    login("ttl '60'", ttl="60", fields=("ttl",)),
    login("ttl 1.5", ttl=1.5, fields=("ttl",)),
    login("ttl 0", ttl=0, fields=("ttl",)),
    login("ttl above max", ttl=99999999999, fields=("ttl",)),
    login("ttl 'abc'", ttl="abc", fields=("ttl",)),
    login("ttl -1", ttl=-1, capture="N", fields=("ttl",)),
    Step("eternal token, first use", "GET", ME, token="N"),
    Step("eternal token, again", "GET", ME, token="N"),
    # token transports
    *[
        Step(f"transport: {how}", "GET", ME, token="T", how=how, fields=("id", "username", "email"))
        for how in TRANSPORTS
    ],
    Step("no token", "GET", ME),
    Step("unknown token", "GET", ME, token="=nope"),
    # routes and the ACL
    Step("another channel's id", "GET", "api/channels/ch-999", token="T"),
    Step("list all channels", "GET", "api/channels", token="T"),
    Step("GET channels/login", "GET", "api/channels/login", token="T"),
    Step("PATCH self, no token", "PATCH", ME, json={"username": "x"}),
    Step("unknown model", "GET", "api/nope"),
    Step("unknown channel route", "GET", "api/channels/ch-1/nope/x", token="T"),
    Step("OPTIONS login", "OPTIONS", "api/channels/login"),
    Step("POST channels (create)", "POST", "api/channels", json={"username": "x", "password": "y"}),
    Step("list onboardings (not allowed)", "GET", "api/channels/ch-1/onboardings", token="T"),
    Step("count children (not allowed)", "GET", "api/channels/ch-1/channels/count", token="T"),
    # children
    Step("children, none yet", "GET", "api/channels/ch-1/channels", token="T"),
    child("child without email", {"username": "kid", "password": KID_PASSWORD}),
    child("child without anything", {}),
    child(
        "child",
        {"username": "kid", "password": KID_PASSWORD, "email": "kid@example.invalid"},
        capture="C",
        fields=("username", "email", "parentId"),
    ),
    child("child, username taken", {"username": "kid", "password": KID_PASSWORD, "email": "kid2@example.invalid"}),
    child("child, email taken", {"username": "kid2", "password": KID_PASSWORD, "email": "kid@example.invalid"}),
    Step("children, one", "GET", "api/channels/ch-1/channels", token="T"),
    login("child logs in", user="kid", password=KID_PASSWORD, capture="K"),
    Step("child reads itself", "GET", "api/channels/{C}", token="K", fields=("username", "parentId")),
    Step("child reads its parent", "GET", ME, token="K"),
    Step("parent reads its child", "GET", "api/channels/{C}", token="T"),
    Step("delete unknown child", "DELETE", "api/channels/ch-1/channels/nope", token="T"),
    Step("delete child", "DELETE", "api/channels/ch-1/channels/{C}", token="T"),
    Step("deleted child's token", "GET", "api/channels/{C}", token="K"),
    # the business route
    Step(
        "onboarding",
        "POST",
        "api/channels/ch-1/onboardings",
        token="T",
        json={"name": "x"},
        fields=("name", "channelId"),
    ),
    Step("onboarding, no token", "POST", "api/channels/ch-1/onboardings", json={"name": "x"}),
    # expiry
    login("short token", capture="E", ttl=1),
    Step("wait for it", "GET", "api/nope", sleep=1.3),
    Step("expired token", "GET", ME, token="E"),
    Step("expired token, again", "GET", ME, token="E"),
    login("short token 2", capture="E2", ttl=1),
    Step("wait again", "GET", "api/nope", sleep=1.3),
    Step(
        "expired token to login",
        "POST",
        "api/channels/login",
        token="E2",
        json={"username": USER, "password": PASSWORD},
    ),
    login("short token 3", capture="E3", ttl=1),
    Step("wait a third time", "GET", "api/nope", sleep=1.3),
    Step("expired token, unknown route", "GET", "api/nope", token="E3"),
    # logout
    Step("logout, no token", "POST", "api/channels/logout"),
    Step("logout, unknown token", "POST", "api/channels/logout", token="=nope"),
    login("login to log out", capture="L"),
    Step("logout", "POST", "api/channels/logout", token="L"),
    Step("logged-out token", "GET", ME, token="L"),
    Step("logout again", "POST", "api/channels/logout", token="L"),
    Step("logout (query)", "POST", "api/channels/logout", token="F", how="query"),
    # change password
    Step(
        "change password, no token",
        "POST",
        "api/channels/change-password",
        json={"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD},
    ),
    Step(
        "change password, wrong old",
        "POST",
        "api/channels/change-password",
        token="T",
        json={"oldPassword": "x" * 32, "newPassword": NEW_PASSWORD},
    ),
    Step("change password, no new", "POST", "api/channels/change-password", token="T", json={"oldPassword": PASSWORD}),
    Step(
        "change password, no old", "POST", "api/channels/change-password", token="T", json={"newPassword": NEW_PASSWORD}
    ),
    Step(
        "change password, bad JSON",
        "POST",
        "api/channels/change-password",
        token="T",
        data="{bad",
        content_type="application/json",
        allow=("JSON syntax message",),
    ),
    login("another session", capture="O"),
    Step(
        "change password",
        "POST",
        "api/channels/change-password",
        token="T",
        json={"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD},
    ),
    Step("the changing session goes on", "GET", ME, token="T"),
    Step("the other session ended", "GET", ME, token="O"),
    login("old password"),
    login("new password", password=NEW_PASSWORD),
    Step(
        "change back (form)",
        "POST",
        "api/channels/change-password",
        token="T",
        data=f"oldPassword={NEW_PASSWORD}&newPassword={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    ),
    login("the first password again"),
]

_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\bch-\d+\b")


def _norm(value: Any) -> Any:
    return _IDS.sub("<id>", value) if isinstance(value, str) else value


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


def _answer(step: Step, response: requests.Response) -> dict[str, Any]:
    seen: dict[str, Any] = {"status": response.status_code}
    if not response.content:
        seen["empty body, Content-Type"] = response.headers.get("Content-Type")
        return seen
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        seen.update(name=error.get("name"), code=error.get("code"), statusCode=error.get("statusCode"))
        seen["message"] = _norm(error.get("message"))
        seen["details"] = error.get("details")
        return seen
    seen["shape"] = _shape(body)
    for name in step.fields:
        seen[name] = _norm(body.get(name))
    return seen


def run(base: str, steps: list[Step]) -> Iterator[tuple[Step, dict[str, Any]]]:
    """Send every step to ``base`` in order, carrying captured tokens and ids; yield each answer."""
    names: dict[str, str] = {}
    with requests.Session() as http:
        for step in steps:
            headers: dict[str, str] = {}
            params: dict[str, str] = {}
            if step.token is not None:
                value = step.token[1:] if step.token.startswith("=") else names[step.token]
                headers, params = TRANSPORTS[step.how](value)
            if step.content_type:
                headers = {**headers, "Content-Type": step.content_type}
            response = http.request(
                step.method,
                base + step.path.format(**names),
                headers=headers,
                params=params,
                json=step.json,
                data=step.data,
                timeout=10,
            )
            if step.capture and response.status_code == 200:
                names[step.capture] = response.json()["id"]
            yield step, _answer(step, response)
            if step.sleep:
                time.sleep(step.sleep)


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[str, Sandbox]]:
    box = start("signzy")
    try:
        with loopback_app(USER, PASSWORD, SEED_EMAIL) as url:
            yield url, box
    finally:
        box.stop()
        box.check()


def test_the_suite_is_large_enough_and_says_so() -> None:
    assert len(STEPS) >= 60
    assert {a for s in STEPS for a in s.allow} <= set(DIFFERENCES)
    assert f"{len(STEPS)} requests sent to both" in CHECKED_AGAINST  # what notebook 04 tells its reader


def test_the_sandbox_answers_as_loopback_does(both: tuple[str, Sandbox]) -> None:
    real, box = both
    theirs = list(run(real, STEPS))
    ours = list(run(box.url, STEPS))
    unexplained = []
    for (step, want), (_, got) in zip(theirs, ours, strict=True):
        if want == got:
            continue
        if step.allow and _only_messages_differ(want, got):
            continue
        unexplained.append(f"{step.name}: LoopBack {want} | sandbox {got}")
    assert not unexplained, "\n".join(unexplained)
    statuses = {answer["status"] for _, answer in theirs}
    assert {200, 204, 400, 401, 404, 422} <= statuses  # the run reached every kind of answer


def _only_messages_differ(want: dict[str, Any], got: dict[str, Any]) -> bool:
    return {k: v for k, v in want.items() if k != "message"} == {k: v for k, v in got.items() if k != "message"}
