"""Credentials stay with their origin: a redirect lab over real sockets, for all five providers.

The lab has two origins on this machine. The *front* on ``127.0.0.1:P1`` proxies every request
to a real sandbox, except for chosen paths, which it answers with a redirect to the *other*
server on ``localhost:P2`` (another origin: other host, other port). The other server records
everything it receives and answers 200, as a host harvesting credentials would. kit is pointed at
the front as a live target, so it sees the redirects exactly as it would see them from a provider.

For every provider and each of its transports and client-auth methods: token, login, refresh and
logout requests that are redirected raise AuthError naming both origins; business calls redirected
to the other origin are refused the same way; an absolute URL on the other origin is a ConfigError;
and the other server receives nothing at all, so no credential of any kind.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from business import business_url
from werkzeug.wrappers import Request, Response

import kit
import kit.auth.oauth2 as kit_oauth2
from kit.providers import names, signicat, signzy, synerise
from kit.sandbox import Sandbox, start
from kit.serving import BackgroundServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "server", "date"}


class RedirectLab:
    """A front that proxies to ``upstream`` but redirects ``paths`` to another origin that records all it gets."""

    def __init__(self, upstream: str, *, status: int = 307) -> None:
        self.upstream, self.status = upstream, status
        self.paths: set[str] = set()  # redirected to the other origin
        self.moves: dict[str, str] = {}  # redirected within the front's own origin: path -> Location
        self.received: list[dict[str, Any]] = []
        self.other = BackgroundServer(self._other, name="lab-other")
        self.front = BackgroundServer(self._front, name="lab-front")
        self.url = f"http://127.0.0.1:{self.front.port}/"
        self.other_url = f"http://localhost:{self.other.port}/"

    def _front(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        path = request.path.lstrip("/")
        query = ("?" + request.query_string.decode()) if request.query_string else ""
        if path in self.paths:  # keep the query: a token in it would travel if the client followed
            response = Response("", self.status, headers={"Location": self.other_url + path + query})
            return response(environ, start_response)
        if path in self.moves:
            return Response("", 307, headers={"Location": self.moves[path] + query})(environ, start_response)
        answer = requests.request(
            request.method,
            self.upstream + path + query,
            headers={k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")},
            data=request.get_data(),
            allow_redirects=False,
            timeout=30,
        )
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        return Response(answer.content, answer.status_code, headers=headers)(environ, start_response)

    def _other(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.received.append(
            {"method": request.method, "url": request.url, "headers": dict(request.headers), "body": request.get_data()}
        )
        return Response('{"ok": true}', 200, content_type="application/json")(environ, start_response)

    def stop(self) -> None:
        self.front.stop()
        self.other.stop()


@pytest.fixture
def lab() -> Iterator[Callable[..., tuple[RedirectLab, Sandbox]]]:
    made: list[tuple[RedirectLab, Sandbox]] = []

    def make(provider: str, **settings: Any) -> tuple[RedirectLab, Sandbox]:
        box = start(provider, **settings)
        made.append((RedirectLab(box.url), box))
        return made[-1]

    yield make
    for lab_, box in made:
        lab_.stop()
        box.stop()
        box.check()


def live(provider: str, lab: RedirectLab, box: Sandbox, **env: str) -> kit.Target:
    """The front as a live target of ``provider``, with the sandbox's credentials from env vars."""
    values = {f"{provider.upper()}_URL": lab.url}
    values.update({f"{provider.upper()}_{k.upper()}": v for k, v in box.credentials.items()})
    values.update({f"{provider.upper()}_{k.upper()}": v for k, v in env.items()})
    return kit.connect(provider, environ=values)


def session_through(
    front: RedirectLab, box: Sandbox, provider: str, env: dict[str, str], **options: Any
) -> kit.Session[Any]:
    """A live session of ``provider`` whose base URL is the front (Signzy's query transport warns: expected)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", signzy.QueryTokenWarning)
        return live(provider, front, box, **env).session(**options)


def refused(info: pytest.ExceptionInfo[kit.AuthError], lab: RedirectLab) -> None:
    """The error names both origins and says it was not followed; the other origin got nothing."""
    error = info.value
    assert error.code == "redirect_refused" and error.status == lab.status
    front = lab.url.rstrip("/")
    assert front in str(error) and f"http://localhost:{lab.other.port}" in str(error)
    assert lab.received == []


# -- token, login, refresh and logout requests never follow a redirect -----------------------------

AUTH_ENDPOINTS = [  # (provider, env overrides, session options, redirected path, how to trigger it)
    ("signicat", {"auth_method": "client_secret_basic"}, {}, "auth/open/connect/token", "token"),
    ("signicat", {"auth_method": "client_secret_post"}, {}, "auth/open/connect/token", "token"),
    ("synerise", {}, {"consumer": "workspace"}, "uauth/v2/auth/login/profile", "token"),
    ("synerise", {}, {"consumer": "client"}, "sauth/v3/auth/login/client", "token"),
    ("synerise", {}, {"consumer": "user"}, "uauth/auth/login/user", "token"),
    ("synerise", {}, {"consumer": "workspace"}, "v4/auth/refresh/profile", "refresh"),
    ("synerise", {}, {"consumer": "client"}, "sauth/v3/auth/refresh/client", "refresh"),
    ("signzy", {}, {"transport": "header"}, "api/channels/login", "token"),
    ("signzy", {}, {"transport": "query"}, "api/channels/login", "token"),
    ("signzy", {}, {"model": "customers"}, "api/customers/login", "token"),
    ("signzy", {}, {"transport": "header"}, "api/channels/logout", "logout"),
    ("signzy", {}, {"transport": "query"}, "api/channels/logout", "logout"),
]


@pytest.mark.parametrize("provider, env, options, path, trigger", AUTH_ENDPOINTS)
def test_auth_requests_never_follow_a_redirect(
    lab: Callable[..., tuple[RedirectLab, Sandbox]],
    provider: str,
    env: dict[str, str],
    options: dict[str, str],
    path: str,
    trigger: str,
) -> None:
    front, box = lab(provider)
    s = session_through(front, box, provider, env, **options)
    if trigger != "token":
        s.require_token()  # logged in through the front; now the refresh or logout endpoint redirects
    front.paths.add(path)
    with pytest.raises(kit.AuthError) as info:
        if trigger == "token":
            s.require_token()
        elif trigger == "refresh":
            s.token("expiring")
        else:
            signzy.logout(s)
    refused(info, front)
    entry = s.journal.entries[-1]
    assert (entry.kind, entry.status) == ("auth", 307)
    assert "not followed" in str(info.value) and "never follow redirects" in str(info.value)


# -- business calls: a redirect to another origin is refused ----------------------------------------

BUSINESS = [  # (provider, env overrides, session options, method, path)
    ("pliance", {}, {}, "GET", "api/Ping"),
    ("pliance", {"tenant": "tenant-a"}, {}, "GET", "api/Ping"),
    ("signicat", {"auth_method": "client_secret_basic"}, {}, "POST", "auth/rest/sessions"),
    ("signicat", {"auth_method": "client_secret_post"}, {}, "POST", "auth/rest/sessions"),
    ("synerise", {}, {"consumer": "workspace"}, "GET", "v4/business-profile"),
    ("synerise", {}, {"consumer": "client"}, "GET", "sauth/my-account/personal-information"),
    ("synerise", {}, {"consumer": "user"}, "GET", "v4/business-profile"),
    ("signzy", {}, {"transport": "header"}, "GET", "api/channels/ch-1"),
    ("signzy", {}, {"transport": "query"}, "GET", "api/channels/ch-1"),
    ("saltedge", {"api_version": "v3"}, {}, "GET", "api/v3/countries"),
    ("saltedge", {"api_version": "v5"}, {}, "GET", "api/v5/countries"),
    ("saltedge", {"api_version": "v3", "private_key_pem": ""}, {}, "GET", "api/v3/countries"),
]


@pytest.mark.parametrize("provider, env, options, method, path", BUSINESS)
def test_business_redirect_to_another_origin_is_refused(
    lab: Callable[..., tuple[RedirectLab, Sandbox]],
    provider: str,
    env: dict[str, str],
    options: dict[str, str],
    method: str,
    path: str,
) -> None:
    front, box = lab(provider, multitenancy=True) if provider == "pliance" else lab(provider)
    s = session_through(front, box, provider, env, **options)
    s.token()  # any token is fetched through the front first, so only the business call redirects
    front.paths.add(path)
    relative = path.split("/", 2)[2] if provider == "saltedge" else path  # Salt Edge paths are under api/<v>/
    for status in (307, 302):  # 307 keeps method and body; 302 would turn into a GET without them
        front.status = status
        with pytest.raises(kit.AuthError) as info:
            s.call(method, relative, json={} if method == "POST" else None)
        refused(info, front)
    assert [e.status for e in s.journal.entries if e.kind == "business"] == [307, 302]


@pytest.mark.parametrize("provider", names())
def test_an_absolute_url_on_another_origin_is_refused_before_sending(
    lab: Callable[..., tuple[RedirectLab, Sandbox]], provider: str
) -> None:
    front, box = lab(provider)
    s = live(provider, front, box).session()
    before = len(s.journal)
    for send in (
        lambda: s.get(front.other_url + "steal"),
        lambda: s.call("POST", front.other_url + "steal", json={}),
        lambda: s.get("//localhost:%d/steal" % front.other.port),
        lambda: s.send(requests.Request("GET", front.other_url + "steal").prepare()),
    ):
        with pytest.raises(kit.ConfigError, match="kit sends nothing there") as info:
            send()
        assert f"localhost:{front.other.port}" in str(info.value) and "127.0.0.1" in str(info.value)
    assert front.received == [] and len(s.journal) == before


# -- the one retry after a refused token goes to the original request and origin --------------------


def test_a_redirect_within_the_origin_is_followed_with_the_credential(
    lab: Callable[..., tuple[RedirectLab, Sandbox]],
) -> None:
    front, box = lab("pliance")
    front.moves["old/ping"] = "/api/Ping"
    s = live("pliance", front, box).session()
    assert s.call("GET", "old/ping", step="moved")["success"] is True
    first, second = s.journal.entries
    assert (first.status, second.status, second.reason, second.kind) == (307, 200, "redirect", "business")
    assert second.url.endswith("/api/Ping") and second.request_headers["Authorization"].startswith("Bearer ")


def test_the_retry_after_a_stale_token_resends_the_original_request(
    lab: Callable[..., tuple[RedirectLab, Sandbox]],
) -> None:
    front, box = lab("signicat")
    s = live("signicat", front, box).session()
    created = s.call("POST", "auth/rest/sessions", json={})
    front.moves["auth/rest/sessions/old"] = f"/auth/rest/sessions/{created['id']}"  # redirected, same origin
    box.control.rotate_key(keep_previous=False)  # the cached token is now refused as invalid_token
    assert s.call("GET", "auth/rest/sessions/old", step="get")["id"] == created["id"]
    moved, stale, fetch, again, done = s.journal.entries[-5:]
    assert [e.status for e in (moved, stale, fetch, again, done)] == [307, 401, 200, 307, 200]
    assert (fetch.kind, fetch.reason, again.attempt, again.reason) == ("auth", "401", 2, "401")
    assert again.url == moved.url and again.url.split("?")[0].endswith("/auth/rest/sessions/old")
    assert front.received == []


# -- an auth used on its own, as a plain requests AuthBase, keeps the same promise -------------------


@pytest.mark.parametrize("provider", names())
def test_plain_requests_auth_refuses_a_redirect_to_another_origin(
    lab: Callable[..., tuple[RedirectLab, Sandbox]], provider: str
) -> None:
    front, box = lab(provider)
    target = live(provider, front, box)
    auth = target.session().auth
    _, url, _ = business_url(target)  # the registration's business call, on the front
    path = url.removeprefix(front.url)
    assert requests.get(front.url + path, auth=auth, timeout=10).status_code < 500  # works before the redirect
    front.paths.add(path)
    with pytest.raises(kit.AuthError) as info:
        requests.get(front.url + path, auth=auth, timeout=10)
    refused(info, front)
    with pytest.raises(kit.ConfigError, match="kit sends nothing there"):
        requests.get(front.other_url + path, auth=auth, timeout=10)
    assert front.received == []


def test_plain_requests_auth_retries_the_original_request_once() -> None:
    with start("signicat") as box:
        auth = signicat.auth_for(signicat.Credentials.of(**box.credentials), box.url)
        url = box.url + "auth/rest/sessions"
        created = requests.post(url, json={}, auth=auth, timeout=10).json()
        box.control.rotate_key(keep_previous=False)
        answer = requests.get(f"{url}/{created['id']}", auth=auth, timeout=10)
        assert answer.status_code == 200 and [r.status_code for r in answer.history] == [401]
        assert answer.request.url == answer.history[0].request.url


def test_the_plain_retry_rewinds_the_body_and_carries_the_cookies_the_refusal_set() -> None:
    """As requests' own HTTPDigestAuth.handle_401 does: a file body is sent whole again, and a cookie set
    by the refused answer goes with the retry. A small real server: the first call is refused as stale
    (and sets a cookie), the second must carry the cookie and the whole body."""
    import io
    import json

    calls: list[tuple[str, bytes, str]] = []
    issued = [0]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        if request.path == "/token":
            issued[0] += 1
            body = {"access_token": f"token-{issued[0]}-0123456789abcdef", "expires_in": 600}
            return Response(json.dumps(body), content_type="application/json")(environ, start_response)
        calls.append((request.headers.get("Authorization", ""), request.get_data(), request.headers.get("Cookie", "")))
        if len(calls) == 1:
            refused = Response('{"error": "invalid_token"}', 401, content_type="application/json")
            refused.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            refused.set_cookie("route", "b")
            return refused(environ, start_response)
        return Response("{}", content_type="application/json")(environ, start_response)

    with BackgroundServer(app, name="plain-retry") as server:
        base = f"http://127.0.0.1:{server.port}/"
        auth = kit_oauth2.ClientCredentialsAuth(
            token_url=base + "token", client_id="c", client_secret=kit.Secret("s" * 32)
        )
        answer = requests.post(base + "api", data=io.BytesIO(b"the whole body"), auth=auth, timeout=10)
    assert answer.status_code == 200 and [r.status_code for r in answer.history] == [401]
    assert [body for _, body, _ in calls] == [b"the whole body", b"the whole body"]
    assert calls[0][2] == "" and "route=b" in calls[1][2]
    assert [token for token, _, _ in calls] == ["Bearer token-1-0123456789abcdef", "Bearer token-2-0123456789abcdef"]


def test_a_plain_auth_is_bound_to_its_base_url(lab: Callable[..., tuple[RedirectLab, Sandbox]]) -> None:
    front, box = lab("synerise")
    auth = synerise.SyneriseAuth(synerise.Credentials.of(**box.credentials), front.url)
    with pytest.raises(kit.ConfigError, match="kit sends nothing there"):
        requests.get(front.other_url + "v4/business-profile", auth=auth, timeout=10)
    assert front.received == []  # neither the call nor a login went there
