"""Deep and huge answers from a real local server: a typed error naming the limit, never a RecursionError.

The hostile "provider" is a werkzeug server on loopback answering whatever the test sets: every
provider's session is pointed at it, for a business answer (Pliance, Salt Edge: no token step) or
a token/login answer (Signicat, Synerise, Signzy). After a refused answer the session's journal,
HAR, curl line and replay still work.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

import kit
from kit.bounded import MAX_DEPTH, LimitError
from kit.providers import pliance, saltedge, signicat, signzy, synerise
from kit.serving import BackgroundServer

DEEP = "[" * 50_000 + "]" * 50_000
SHALLOW_BUT_DEEP_ENOUGH = "[" * 600 + "]" * 600


class Hostile:
    """A loopback server that answers every request with ``status`` and ``body`` (JSON media type)."""

    def __init__(self) -> None:
        self.status, self.body = 200, DEEP
        self.server = BackgroundServer(self._app, name="hostile")
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        Request(environ).get_data()
        return Response(self.body, self.status, content_type="application/json")(environ, start_response)


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    try:
        yield server
    finally:
        server.server.stop()


def _readable_afterwards(s: kit.Session[Any], tmp_path: Path) -> None:
    table = kit.journal(s)
    assert "not shown" in table.iloc[-1]["response"]  # the entry, its body summarised
    assert kit.to_har(s, tmp_path / "x.har").exists()
    assert "curl" in kit.to_curl(s)


def test_a_deep_business_answer_is_an_api_error_naming_the_limit(hostile: Hostile, tmp_path: Path) -> None:
    creds = pliance.Credentials.of(secret="s" * 40, issuer="me", given_name="Ada", subject="1")
    s = pliance.session(creds, hostile.url)
    with pytest.raises(kit.ApiError) as info:
        s.call("GET", "api/Ping")
    assert f"nested deeper than {MAX_DEPTH} levels" in str(info.value)
    _readable_afterwards(s, tmp_path)
    with kit.connect("pliance", environ={}) as target:  # a replay of the poisoned session still runs
        assert len(kit.replay(s, target)) == 1


@pytest.mark.parametrize("status", [400, 401, 500])
def test_a_deep_error_body_is_an_api_error_naming_the_limit(hostile: Hostile, status: int, tmp_path: Path) -> None:
    hostile.status, hostile.body = status, SHALLOW_BUT_DEEP_ENOUGH
    creds = saltedge.Credentials.of(client_id="c", app_secret="a" * 40)
    s = saltedge.session(creds, hostile.url)
    with pytest.raises(kit.ApiError) as info:
        s.call("GET", "countries")
    assert info.value.status == status and "nested deeper than" in info.value.detail
    _readable_afterwards(s, tmp_path)


@pytest.mark.parametrize(
    "name, make",
    [
        ("signicat", lambda url: signicat.session(signicat.Credentials.of("id", "s" * 40), url)),
        ("synerise", lambda url: synerise.session(synerise.Credentials.of(workspace_api_key="k" * 36), url)),
        ("signzy", lambda url: signzy.session(signzy.Credentials.of("u", "p" * 32), url)),
    ],
)
def test_a_deep_token_answer_is_a_kit_error_naming_the_limit(hostile: Hostile, name: str, make: Any) -> None:
    s = make(hostile.url)
    with pytest.raises(kit.KitError) as info:
        s.require_token()
    assert "nested deeper than" in str(info.value), name
    assert "not shown" in kit.journal(s).iloc[-1]["response"]


def test_a_huge_answer_is_refused_by_size(hostile: Hostile) -> None:
    hostile.body = json.dumps(["x" * 1000] * 11_000)  # 11 MB of JSON, shallow
    creds = pliance.Credentials.of(secret="s" * 40, issuer="me", given_name="Ada", subject="1")
    with pytest.raises(kit.ApiError, match="characters long"):
        pliance.session(creds, hostile.url).call("GET", "api/Ping")


def test_redact_of_a_deep_structure_is_a_kit_error() -> None:
    deep: Any = []
    for _ in range(900):
        deep = [deep]
    with pytest.raises(LimitError):
        kit.redact(deep)
    assert isinstance(LimitError("x", "y"), kit.KitError)
    assert kit.redact(DEEP) == DEEP  # as text it is only masked, never parsed
