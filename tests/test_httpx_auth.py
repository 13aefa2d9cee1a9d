"""kit's auths in httpx: ``httpx.Client`` and ``httpx.AsyncClient`` against all five sandboxes, over real sockets.

The same flows as a kit session: a 2xx from every sandbox, sync and async; one token fetch however many
tasks and threads ask at once (the sandbox counts what it issued); a refused token fetched again and the
call retried once; the redirect lab's other origin receives nothing, whether the call or the token
request is redirected; a request to another origin is refused before anything is written on it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from business import business
from test_origin import RedirectLab, live

import kit
from kit.auth.httpx_bridge import HttpxAuth
from kit.providers import names, provider
from kit.providers.signicat.protocol import TOKEN_PATH
from kit.sandbox import start

#: the providers whose sandboxes issue tokens (each says which of its counts grows with a fetch)
FETCHING = [name for name in names() if provider(name).emulator_class().FETCH_COUNT]


@pytest.fixture
def target(request: pytest.FixtureRequest) -> Iterator[kit.Target]:
    made = kit.connect(request.param, environ={})
    yield made
    assert made.sandbox is not None
    made.close()
    made.sandbox.check()


def fetches(target: kit.Target) -> int:
    assert target.sandbox is not None
    return target.sandbox.control.counts()[target.provider.emulator_class().FETCH_COUNT]


@pytest.mark.parametrize("target", names(), indirect=True)
def test_a_sync_client_gets_a_2xx_from_every_sandbox(target: kit.Target) -> None:
    auth = target.httpx_auth()
    assert isinstance(auth, HttpxAuth) and isinstance(auth, httpx.Auth)
    method, path, body = business(target)
    with httpx.Client(base_url=auth.base_url, auth=auth) as client:
        answers = [client.request(method, path, json=body) for _ in range(3)]
    assert [a.status_code // 100 for a in answers] == [2, 2, 2], [a.text for a in answers]


@pytest.mark.parametrize("target", names(), indirect=True)
def test_an_async_client_gets_a_2xx_from_every_sandbox_with_one_token_fetch_for_many_tasks(target: kit.Target) -> None:
    auth = target.httpx_auth()
    method, path, body = business(target)

    async def many() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=auth.base_url, auth=auth) as client:
            return await asyncio.gather(*(client.request(method, path, json=body) for _ in range(24)))

    answers = asyncio.run(many())
    assert {a.status_code // 100 for a in answers} == {2}
    if target.provider.name in FETCHING:
        assert fetches(target) == 1


@pytest.mark.parametrize("target", FETCHING, indirect=True)
def test_one_token_fetch_for_tasks_in_several_threads_and_threads_of_a_sync_client(target: kit.Target) -> None:
    auth = target.httpx_auth()
    method, path, body = business(target)
    statuses: list[int] = []
    lock = threading.Lock()

    async def tasks() -> None:
        async with httpx.AsyncClient(base_url=auth.base_url, auth=auth) as client:
            answers = await asyncio.gather(*(client.request(method, path, json=body) for _ in range(8)))
        with lock:
            statuses.extend(a.status_code for a in answers)

    def sync_calls() -> None:
        with httpx.Client(base_url=auth.base_url, auth=auth) as client:
            answers = [client.request(method, path, json=body) for _ in range(4)]
        with lock:
            statuses.extend(a.status_code for a in answers)

    workers = [threading.Thread(target=lambda: asyncio.run(tasks())) for _ in range(4)]
    workers += [threading.Thread(target=sync_calls) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(statuses) == 4 * 8 + 4 * 4 and {s // 100 for s in statuses} == {2}
    assert fetches(target) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_refused_token_is_fetched_again_and_the_call_retried_once(mode: str) -> None:
    target = kit.connect("signicat", environ={})
    assert target.sandbox is not None
    try:
        auth = target.httpx_auth()
        with httpx.Client(base_url=auth.base_url, auth=auth) as client:
            assert client.post("auth/rest/sessions", json={}).status_code == 201
        target.sandbox.control.rotate_key(keep_previous=False)  # the cached token no longer verifies
        if mode == "sync":
            with httpx.Client(base_url=auth.base_url, auth=auth) as client:
                answer = client.post("auth/rest/sessions", json={})
        else:

            async def once() -> httpx.Response:
                async with httpx.AsyncClient(base_url=auth.base_url, auth=auth) as client:
                    return await client.post("auth/rest/sessions", json={})

            answer = asyncio.run(once())
        assert answer.status_code == 201 and [r.status_code for r in answer.history] == [401]
        assert target.sandbox.control.counts()["tokens_issued"] == 2
        target.sandbox.control.set(reject_all_tokens=True)  # refused again after the retry: no third try
        with httpx.Client(base_url=auth.base_url, auth=auth) as client:
            refused = client.post("auth/rest/sessions", json={})
        assert refused.status_code == 401 and len(refused.history) == 1
        assert target.sandbox.control.counts()["tokens_issued"] == 3
    finally:
        target.close()
        target.sandbox.check()


@pytest.fixture
def lab(request: pytest.FixtureRequest) -> Iterator[tuple[RedirectLab, kit.Target]]:
    name = getattr(request, "param", "signicat")
    box = start(name)
    front = RedirectLab(box.url)
    # Salt Edge unsigned: the front proxies under its own Host, so a signature over its URL would not hold upstream
    yield front, live(name, front, box, **({"private_key_pem": ""} if name == "saltedge" else {}))
    front.stop()
    box.stop()
    box.check()


def _send(auth: HttpxAuth, mode: str, method: str, path: str, body: Any, follow: bool) -> httpx.Response:
    """One call through a sync or an async client."""
    if mode == "sync":
        with httpx.Client(base_url=auth.base_url, auth=auth, follow_redirects=follow) as client:
            return client.request(method, path, json=body)

    async def once() -> httpx.Response:
        async with httpx.AsyncClient(base_url=auth.base_url, auth=auth, follow_redirects=follow) as client:
            return await client.request(method, path, json=body)

    return asyncio.run(once())


@pytest.mark.parametrize("lab", ["signicat", "saltedge"], indirect=True)
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("follow", [True, False])
def test_a_redirected_call_sends_nothing_to_the_other_origin(
    lab: tuple[RedirectLab, kit.Target], mode: str, follow: bool
) -> None:
    """Salt Edge's secrets travel in headers of their own, which httpx does not strip on a redirect."""
    front, target = lab
    auth = target.httpx_auth()
    method, path, body = business(target)
    assert _send(auth, mode, method, path, body, follow).status_code // 100 == 2  # any token came through the front
    front.paths.add(auth.base_url.removeprefix(front.url) + path)
    if follow:  # the client follows: kit refuses the hop to the other origin before its headers go
        with pytest.raises(kit.ConfigError, match="kit sends nothing there"):
            _send(auth, mode, method, path, body, follow)
    else:
        assert _send(auth, mode, method, path, body, follow).status_code == 307
    assert front.received == []


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_redirected_token_request_is_refused_and_sends_nothing_elsewhere(
    lab: tuple[RedirectLab, kit.Target], mode: str
) -> None:
    front, target = lab
    front.paths.add(TOKEN_PATH)
    auth = target.httpx_auth()
    with pytest.raises(kit.AuthError) as info:
        if mode == "sync":
            with httpx.Client(base_url=auth.base_url, auth=auth, follow_redirects=True) as client:
                client.post("auth/rest/sessions", json={})
        else:

            async def once() -> None:
                async with httpx.AsyncClient(base_url=auth.base_url, auth=auth, follow_redirects=True) as client:
                    await client.post("auth/rest/sessions", json={})

            asyncio.run(once())
    assert info.value.code == "redirect_refused" and "never follow redirects" in str(info.value)
    assert front.received == []


@pytest.mark.parametrize("target", ["pliance", "signzy"], indirect=True)
def test_a_request_to_another_origin_is_refused_before_anything_is_written(target: kit.Target) -> None:
    auth = target.httpx_auth()
    other = target.base_url.replace("127.0.0.1", "localhost")
    seen: list[httpx.Request] = []
    with httpx.Client(auth=auth, event_hooks={"request": [seen.append]}) as client:
        with pytest.raises(kit.ConfigError, match="kit sends nothing there"):
            client.get(other + "api/Ping")
    assert seen == []  # nothing left the client: no token fetch, no call


def test_an_unreachable_token_endpoint_is_a_transport_error_from_kit() -> None:
    target = kit.connect("signicat", environ={})
    auth = target.httpx_auth()
    target.close()  # the sandbox stops: its port refuses connections
    with httpx.Client(base_url=auth.base_url, auth=auth) as client:
        with pytest.raises(kit.TransportError) as info:
            client.post("auth/rest/sessions", json={})
    assert info.value.attempts >= 1 and "client_secret" not in str(info.value)


def test_the_provider_function_and_the_target_give_the_same_auth() -> None:
    target = kit.connect("synerise", environ={})
    try:
        spec = provider("synerise")
        auth = spec.httpx_auth(target.credentials, target.base_url, consumer="client")
        assert type(auth.auth) is type(target.httpx_auth(consumer="client").auth)
        with httpx.Client(base_url=auth.base_url, auth=auth) as client:
            assert client.get("sauth/my-account/personal-information").status_code == 200
    finally:
        target.close()


def test_without_httpx_installed_it_says_how_to_install_it() -> None:
    """httpx is installed here (the dev extra), so its absence is made in a subprocess: importing it fails."""
    code = (
        "import sys; sys.modules['httpx'] = None\n"
        "import kit\n"
        "try:\n    kit.connect('pliance', environ={}).httpx_auth()\n"
        "except kit.ConfigError as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "pip install 'kit[httpx]'" in done.stdout, done.stderr


def test_a_trace_extension_of_the_caller_still_sees_every_event() -> None:
    """kit guards a hop in httpx's trace extension; the caller's own trace callback is called as before."""
    target = kit.connect("pliance", environ={})
    try:
        auth = target.httpx_auth()
        events: list[str] = []
        with httpx.Client(base_url=auth.base_url, auth=auth) as client:
            answer = client.get("api/Ping", extensions={"trace": lambda name, info: events.append(name)})
        assert answer.status_code == 200
        assert "http11.send_request_headers.started" in events and "http11.receive_response_body.complete" in events
    finally:
        target.close()
