"""Every provider's auth flow driven without sockets: ``next(flow)`` and ``flow.send(answer)``.

The seam in :mod:`kit.auth.flow` exists so that an auth's logic can be read and tested apart from
any transport (httpx's ``tests/test_auth.py`` is the model). The answers here are
``requests.Response`` objects built by hand, because the point is to have no server: nothing of
kit's own is replaced, the flows are the real ones, built by each provider's real session factory.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import jwt
import pytest
import requests
from requests.structures import CaseInsensitiveDict

import kit
from kit.auth.bearer import CachedBearerAuth
from kit.auth.flow import NO_AUTH, Exchange, Flow, drive
from kit.auth.scheme import FlowAuth
from kit.auth.tokencache import MemoryTokenCache
from kit.providers import provider
from kit.sandbox import emulator_class

BASE = "https://api.example.test/"


def answer(
    status: int, body: Any = None, *, to: Exchange | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    """An answer as requests would give it to the flow (status, JSON body, headers, the request it answers)."""
    response = requests.Response()
    response.status_code = status
    response.reason = HTTPStatus(status).phrase
    response._content = b"" if body is None else json.dumps(body).encode()
    response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **(headers or {})})
    response.encoding = "utf-8"
    if to is not None:
        sent = to.request.prepare() if isinstance(to.request, requests.Request) else to.request
        response.request = sent
        response.url = sent.url or ""
    return response


def _synerise_token() -> dict[str, Any]:
    now = int(time.time())
    return {"token": jwt.encode({"iat": now, "exp": now + 3600, "realm": "demo"}, "k" * 32, algorithm="HS256")}


def _signzy_token() -> dict[str, Any]:
    created = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    return {"id": "t" * 64, "ttl": 1209600, "created": created, "userId": "ch-1"}


#: per token provider: a good token answer, the answer that says the token went stale, a refused login
TOKENS: dict[str, tuple[Callable[[], dict[str, Any]], tuple[int, Any, dict[str, str]], tuple[int, Any]]] = {
    "signicat": (
        lambda: {"access_token": "a" * 40, "token_type": "Bearer", "expires_in": 600, "scope": "signicat-api"},
        (401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'}),
        (400, {"error": "invalid_client"}),
    ),
    "synerise": (_synerise_token, (401, {"error": "Token expired."}, {}), (401, {"error": "Unauthorized"})),
    "signzy": (
        _signzy_token,
        (401, {"error": {"statusCode": 401, "code": "INVALID_TOKEN", "message": "Invalid Access Token"}}, {}),
        (401, {"error": {"statusCode": 401, "code": "LOGIN_FAILED", "message": "login failed"}}),
    ),
}


def session_of(name: str, **options: Any) -> kit.Session[Any]:
    """``name``'s real session factory with its sandbox's demo credentials; nothing is started or sent."""
    spec = provider(name)
    return spec.session(spec.credentials(**emulator_class(name)({}).credentials), BASE, **options)


def business(s: kit.Session[Any]) -> requests.PreparedRequest:
    """The provider's demo business request, prepared by the session without its auth (the flow adds it)."""
    call = provider(s.provider).business
    path = call.path if isinstance(call.path, str) else "api/channels/ch-1"
    return s.prepare_request(requests.Request(call.method, s.url_for(path), auth=NO_AUTH))


def logged_in(flow: Flow[None], name: str) -> Exchange:
    """Start ``flow``, answering every auth exchange with a good token answer; the business exchange that follows."""
    return logged_in_from(flow, next(flow), name)


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_an_absent_token_is_fetched_first_and_then_carried(name: str) -> None:
    s = session_of(name)
    auth = s.auth_as(CachedBearerAuth)
    flow = auth.auth_flow(business(s))
    first = next(flow)
    assert (first.kind, first.reason) == ("auth", "absent")
    call = logged_in_from(flow, first, name)
    assert call.kind == "business" and call.attempt == 1
    token = auth.cache.peek(auth.key)
    assert token is not None
    sent = call.request
    assert isinstance(sent, requests.PreparedRequest)
    assert token.access_token.reveal() in (str(sent.headers.get("Authorization", "")) + (sent.url or ""))
    with pytest.raises(StopIteration):
        flow.send(answer(200, {}, to=call))


def logged_in_from(flow: Flow[None], exchange: Exchange, name: str) -> Exchange:
    while exchange.kind == "auth":
        exchange = flow.send(answer(200, TOKENS[name][0](), to=exchange))
    return exchange


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_an_expiring_token_is_renewed_before_the_call(name: str) -> None:
    now = [time.time()]
    s = session_of(name, cache=MemoryTokenCache(margin=30, clock=lambda: now[0]))
    auth = s.auth_as(CachedBearerAuth)
    flow = auth.auth_flow(business(s))
    call = logged_in(flow, name)
    with pytest.raises(StopIteration):
        flow.send(answer(200, {}, to=call))
    token = auth.cache.peek(auth.key)
    assert token is not None
    now[0] = token.expires_at - 10  # within the 30 s margin
    again = auth.auth_flow(business(s))
    first = next(again)
    assert (first.kind, first.reason) == ("auth", "expiring")
    again.close()


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_stale_token_answer_costs_one_new_token_and_one_retry(name: str) -> None:
    s = session_of(name)
    auth = s.auth_as(CachedBearerAuth)
    flow = auth.auth_flow(business(s))
    call = logged_in(flow, name)
    status, body, headers = TOKENS[name][1]
    refused = answer(status, body, to=call, headers=headers)
    fetch = flow.send(refused)
    assert (fetch.kind, fetch.reason) == ("auth", "401")
    retry = logged_in_from(flow, fetch, name)
    assert (retry.kind, retry.attempt, retry.retry_after) == ("business", 2, auth.stale_reason(refused))
    with pytest.raises(StopIteration):  # a second stale answer is returned as it is: no third attempt
        flow.send(answer(status, body, to=retry, headers=headers))


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_refused_login_is_an_auth_error_and_nothing_is_cached(name: str) -> None:
    s = session_of(name)
    auth = s.auth_as(CachedBearerAuth)
    flow = auth.auth_flow(business(s))
    login = next(flow)
    status, body = TOKENS[name][2]
    with pytest.raises(kit.AuthError):
        flow.send(answer(status, body, to=login))
    assert auth.cache.peek(auth.key) is None


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_redirected_login_is_refused_never_followed(name: str) -> None:
    s = session_of(name)
    auth = s.auth_as(CachedBearerAuth)
    sent: list[Exchange] = []

    def send(exchange: Exchange) -> requests.Response:
        sent.append(exchange)
        return answer(302, None, to=exchange, headers={"Location": "https://elsewhere.test/token"})

    with pytest.raises(kit.AuthError) as info:
        drive(auth.auth_flow(business(s)), send)
    assert info.value.code == "redirect_refused" and "elsewhere.test:443" in str(info.value)
    assert [e.kind for e in sent] == ["auth"]  # the login was sent once; nothing went to the other origin


@pytest.mark.parametrize("name", ["pliance", "saltedge"])
def test_a_scheme_without_tokens_writes_its_credential_and_never_retries(name: str) -> None:
    s = session_of(name)
    auth = s.auth_as(FlowAuth)
    flow = auth.auth_flow(business(s))
    call = next(flow)
    assert call.kind == "business" and call.attempt == 1
    sent = call.request
    assert isinstance(sent, requests.PreparedRequest)
    assert set(auth.header_names()) & {k.lower() for k in sent.headers}  # its credential headers are on it
    with pytest.raises(StopIteration):  # a 401 is the answer: nothing to renew, no retry
        flow.send(answer(401, {"message": "no"}, to=call))
