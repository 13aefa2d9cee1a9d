"""Wrong arguments to every public name and the session's methods: a KitError naming the argument.

The table covers every name in ``kit.__all__`` (a test checks none is missing): each row calls it
wrongly and says what the message must name. Error classes and Table take any value by design
(an exception's message, a pandas frame's data), and say so in the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.providers import names, pliance


@pytest.fixture(scope="module")
def target() -> Iterator[kit.Target]:
    with kit.connect("pliance", environ={}) as t:
        yield t


def _session(t: kit.Target) -> kit.Session[Any]:
    s = t.session()
    s.call("GET", "api/Ping", step="ping")
    return s


#: name -> (call with a wrong argument, the word the message must hold); None: takes any value by design
CASES: dict[str, tuple[Callable[[kit.Target], Any], str] | None] = {
    "ApiError": None,  # an exception takes any message
    "AuthError": None,
    "ConfigError": None,
    "KitError": None,
    "SandboxError": None,
    "TransportError": None,
    "Table": None,  # pandas' DataFrame constructor: its own errors for its own data
    "CachedToken": (lambda t: kit.CachedToken("not a Secret", 1.0), "access_token"),  # type: ignore[arg-type]
    "Credentials": (lambda t: kit.Credentials.from_mapping("x"), "data"),  # type: ignore[arg-type]
    "CredentialsForm": (lambda t: kit.CredentialsForm("x"), "credentials_type"),  # type: ignore[arg-type]
    "MemoryTokenCache": (lambda t: kit.MemoryTokenCache(margin="x"), "margin"),  # type: ignore[arg-type]
    "RedisServer": (lambda t: kit.RedisServer(startup_timeout="soon"), "startup_timeout"),  # type: ignore[arg-type]
    "RedisTokenCache": (lambda t: kit.RedisTokenCache("nope://"), "url"),
    "Secret": (lambda t: kit.Secret(123), "value"),  # type: ignore[arg-type]
    "Session": (lambda t: kit.Session[Any](123, provider="x"), "base_url"),  # type: ignore[arg-type]
    "Target": (lambda t: kit.Target("x", "sandbox", "http://x/", t.credentials), "provider"),  # type: ignore[arg-type]
    "WebhookReceiver": (lambda t: kit.WebhookReceiver(secret=123), "secret"),  # type: ignore[arg-type]
    "cache_stats": (lambda t: kit.cache_stats(x=123), "x is neither a token cache"),  # type: ignore[arg-type]
    "claims": (lambda t: kit.claims(123), "token"),  # type: ignore[arg-type]
    "claims_diff": (lambda t: kit.claims_diff(1, 2), "a"),  # type: ignore[arg-type]
    "conformance": (lambda t: kit.conformance("x"), "target"),  # type: ignore[arg-type]
    "connect": (lambda t: kit.connect(123), "name"),  # type: ignore[arg-type]
    "credentials_form": (lambda t: kit.credentials_form("x"), "target"),
    "facts": (lambda t: kit.facts(123), "name"),  # type: ignore[arg-type]
    "failure_modes": (lambda t: kit.failure_modes("x"), "target"),  # type: ignore[arg-type]
    "fingerprint": (lambda t: kit.fingerprint(123), "value"),  # type: ignore[arg-type]
    "journal": (lambda t: kit.journal("x"), "session"),  # type: ignore[arg-type]
    "known_differences": (lambda t: kit.known_differences("x"), "target"),  # type: ignore[arg-type]
    "read_har": (lambda t: kit.read_har(123), "path"),  # type: ignore[arg-type]
    "recipe": (lambda t: kit.recipe(7), "name"),  # type: ignore[arg-type]
    "redact": None,  # takes any value: what it cannot read it returns unchanged
    "refused": (lambda t: kit.refused(_session(t), "GET", None), "path"),  # type: ignore[arg-type]
    "replay": (lambda t: kit.replay(123, t), "source"),
    "replay_change": (lambda t: kit.replay_change(123, 1), "table"),
    "sent": (lambda t: kit.sent({"a": _session(t)}, "nope"), "nope"),
    "side_by_side": (lambda t: kit.side_by_side("pliance"), "names"),  # type: ignore[arg-type]
    "sources": (lambda t: kit.sources(123), "table"),
    "sequence": (lambda t: kit.sequence("x"), "session"),
    "timeline": (lambda t: kit.timeline(123), "profiles"),  # type: ignore[arg-type]
    "to_curl": (lambda t: kit.to_curl("x"), "entry"),  # type: ignore[arg-type]
    "to_har": (lambda t: kit.to_har(_session(t), "/no/such/dir/x.har"), "/no/such/dir"),
}


def test_the_table_covers_every_public_name() -> None:
    assert set(CASES) == set(kit.__all__)


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if case is not None))
def test_a_wrong_argument_is_a_kit_error_naming_it(target: kit.Target, name: str) -> None:
    call, named = CASES[name]  # type: ignore[misc]
    with pytest.raises(kit.KitError) as info:
        call(target)
    assert named in str(info.value)


SESSION_CASES: list[tuple[str, Callable[[kit.Session[Any]], Any], str]] = [
    ("request(None, path)", lambda s: s.request(None, "api/Ping"), "method"),  # type: ignore[arg-type]
    ("call(path=123)", lambda s: s.call("GET", 123), "path"),  # type: ignore[arg-type]
    ("get(bytes beyond ASCII)", lambda s: s.get(b"\xff"), "url"),
    ("call(unknown keyword)", lambda s: s.call("GET", "api/Ping", nope=1), "nope"),
    ("probe(unknown keyword)", lambda s: s.probe("GET", "api/Ping", nope=1), "nope"),
    ("step(123)", lambda s: s.step(123).__enter__(), "name"),  # type: ignore[arg-type]
    ("token(renew=1)", lambda s: s.token(1), "renew"),  # type: ignore[arg-type]
    ("to_curl(index 10**6)", lambda s: kit.to_curl(s, 10**6), "index"),
    ("target.session(journal_limit='5')", lambda s: None, ""),
    ("call(timeout='abc')", lambda s: s.call("GET", "api/Ping", timeout="abc"), "timeout"),
    ("call(timeout=-1)", lambda s: s.call("GET", "api/Ping", timeout=-1), "timeout"),
    ("call(timeout=(1, 'x'))", lambda s: s.call("GET", "api/Ping", timeout=(1, "x")), "timeout"),
    ("call(timeout=nan)", lambda s: s.call("GET", "api/Ping", timeout=float("nan")), "timeout"),
    ("call(headers=[1])", lambda s: s.call("GET", "api/Ping", headers=[1]), "headers"),
    ("call(headers={'a': 1})", lambda s: s.call("GET", "api/Ping", headers={"a": 1}), "headers"),
    ("call(params=5)", lambda s: s.call("GET", "api/Ping", params=5), "params"),
    ("call(params=[1, 2])", lambda s: s.call("GET", "api/Ping", params=[1, 2]), "params"),
]


@pytest.mark.parametrize("case, call, named", SESSION_CASES, ids=[c[0] for c in SESSION_CASES])
def test_a_session_method_with_a_wrong_argument_is_a_kit_error(
    target: kit.Target, case: str, call: Callable[[kit.Session[Any]], Any], named: str
) -> None:
    if not named:
        with pytest.raises(kit.KitError, match="journal limit"):
            target.session(journal_limit="5")
        return
    s = _session(target)
    with pytest.raises(kit.KitError) as info:
        call(s)
    assert named in str(info.value)
    assert "could not be sent" not in str(info.value)  # refused before requests was asked, naming the argument


@pytest.mark.parametrize("name", names())
def test_journal_limit_works_where_the_readme_says(name: str) -> None:
    with kit.connect(name, environ={}) as t:
        s = t.session(journal_limit=2, **t.provider.business.options)
        for _ in range(3):
            s.call(t.provider.business.method, t.provider.business.path_for(s), json=t.provider.business.body)
        assert len(kit.journal(s)) == 2 and s.journal.dropped >= 1


def test_wrong_arguments_never_show_a_secret(tmp_path: Path, target: kit.Target) -> None:
    secret = target.credentials_as(pliance.Credentials).secret.reveal()
    with pytest.raises(kit.KitError) as info:
        kit.to_curl(_session(target), 10**6)
    assert secret not in str(info.value)
