"""The Signicat client: client-auth registry, cached tokens, account id, retry once, JWKS checks."""

import time
from typing import Any

import pytest

import kit
from kit.auth.bearer import CachedBearerAuth
from kit.auth.oauth2 import CLIENT_AUTH, ClientCredentialsAuth, token_request
from kit.auth.redis_cache import RedisTokenCache
from kit.auth.tokencache import MemoryTokenCache
from kit.providers import signicat
from kit.sandbox import Sandbox, start
from kit.secrets import MASK


def creds_of(box: Sandbox, **over: object) -> signicat.Credentials:
    return signicat.Credentials.of(**{**box.credentials, **over})


def steps(session: kit.Session[Any]) -> list[tuple[str, int | None]]:
    return [(e.step, e.status) for e in session.journal.entries]


def happened(session: kit.Session[Any]) -> list[tuple[str, str, str, int, int | None]]:
    """(kind, action, reason, attempt, status) of every exchange, from the structured fields."""
    return [(e.kind, e.action, e.reason, e.attempt, e.status) for e in session.journal.entries]


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_both_client_auth_methods_get_a_token(signicat_box: Sandbox, method: str) -> None:
    s = signicat.session(creds_of(signicat_box, auth_method=method), signicat_box.url)
    assert s.require_token().token_type == "Bearer"


def test_basic_credentials_are_form_urlencoded_first() -> None:
    secret = "se:cr+et/with&odd=chars-0123456789abcdef"
    with start("signicat", credentials={"client_secret": secret}) as box:
        s = signicat.session(creds_of(box), box.url)
        assert s.require_token().scope == "signicat-api"


def test_prepared_token_request_tables_hide_the_secret(signicat_box: Sandbox) -> None:
    c = creds_of(signicat_box)
    basic = signicat.token_request_table(c, signicat_box.url)
    post = signicat.token_request_table(c, signicat_box.url, "client_secret_post")
    assert basic.set_index("name").loc["Authorization", "value"].startswith(f"Basic {MASK}")
    assert post.set_index("name").loc["client_secret", "value"].startswith(MASK)
    assert post.set_index("name").loc["grant_type", "value"] == "client_credentials"
    text = basic.to_string() + post.to_string()
    assert c.client_secret.reveal() not in text


def test_client_auth_methods_are_registered_per_auth_and_unknown_ones_refused() -> None:
    with pytest.raises(kit.ConfigError, match="unknown client auth method"):
        token_request("https://x/token", "id", kit.Secret("s" * 32), auth_method="nope")
    methods = {**CLIENT_AUTH, "none": lambda cid, secret, headers, form: (headers, {**form, "client_id": cid})}
    auth = ClientCredentialsAuth(
        token_url="https://x/token", client_id="id", client_secret=kit.Secret("s" * 32), auth_method="none",
        methods=methods,
    )  # fmt: skip
    assert auth.request().data == {"grant_type": "client_credentials", "client_id": "id"}
    assert "none" not in CLIENT_AUTH  # nothing module-wide changed: another auth does not know it
    with pytest.raises(TypeError):
        CLIENT_AUTH["none"] = methods["none"]  # type: ignore[index]  # read-only
    with pytest.raises(kit.ConfigError, match="unknown client auth method"):
        ClientCredentialsAuth(
            token_url="https://x/token", client_id="id", client_secret=kit.Secret("s" * 32), auth_method="none"
        )


def test_calls_add_the_account_id_and_reuse_one_token(signicat_box: Sandbox) -> None:
    s = signicat.session(creds_of(signicat_box), signicat_box.url)
    created = s.call("POST", "auth/rest/sessions", json={"flow": "redirect"}, step="create")
    for _ in range(20):
        s.call("GET", f"auth/rest/sessions/{created['id']}")
    entries = s.journal.entries
    assert entries[0].step == "token (absent)" and "signicat-accountId=a-spge-kitdemo0001" in entries[1].url
    assert "signicat-accountId" not in entries[0].url
    row = s.auth_as(CachedBearerAuth).cache.stats()
    assert (row.fetches, row.hits, row.misses) == (1, 20, 1)
    assert signicat_box.control.counts()["tokens_issued"] == 1


def test_a_401_renews_the_token_and_resends_exactly_once(signicat_box: Sandbox) -> None:
    s = signicat.session(creds_of(signicat_box), signicat_box.url)
    created = s.call("POST", "auth/rest/sessions", json={}, step="create")
    signicat_box.control.rotate_key(keep_previous=False)  # the cached token is now signed by a dropped key
    assert s.call("GET", f"auth/rest/sessions/{created['id']}", step="get")["id"] == created["id"]
    assert steps(s)[-3:] == [("get", 401), ("token (401)", 200), ("get · retry after 401 invalid_token", 200)]
    assert happened(s)[-3:] == [
        ("business", "call", "", 1, 401),
        ("auth", "token", "401", 1, 200),
        ("business", "call", "401", 2, 200),
    ]
    assert s.journal.entries[-1].url == s.journal.entries[-3].url  # the original request, re-sent
    assert s.auth_as(CachedBearerAuth).cache.stats().last_reason == "401"


def test_a_second_401_raises_auth_error() -> None:
    with start("signicat", reject_all_tokens=True) as box:
        s = signicat.session(creds_of(box), box.url)
        with pytest.raises(kit.AuthError) as info:
            s.call("GET", "auth/rest/sessions/x", step="get")
        assert (info.value.status, info.value.code) == (401, "invalid_token")
        assert steps(s) == [
            ("token (absent)", 200),
            ("get", 401),
            ("token (401)", 200),
            ("get · retry after 401 invalid_token", 401),
        ]
        assert box.control.counts()["tokens_issued"] == 2


def test_403_is_not_retried() -> None:
    with start("signicat", products="") as box:
        s = signicat.session(creds_of(box), box.url)
        with pytest.raises(kit.AuthError) as info:
            s.call("POST", "auth/rest/sessions", json={})
        assert (info.value.status, info.value.code) == (403, "forbidden")
        assert [status for _, status in steps(s)] == [200, 403]


def test_token_endpoint_errors_raise_auth_error(signicat_box: Sandbox) -> None:
    s = signicat.session(creds_of(signicat_box, client_secret="wrong-0123456789abcdef-0123456789"), signicat_box.url)
    with pytest.raises(kit.AuthError) as info:
        s.call("GET", "auth/rest/sessions/x")
    assert (info.value.status, info.value.code) == (400, "invalid_client")
    assert "wrong-0123456789abcdef" not in str(info.value)


def test_early_renewal_with_a_short_lifetime() -> None:
    with start("signicat", lifetime=2) as box:
        now = [time.time()]
        s = signicat.session(creds_of(box), box.url, cache=MemoryTokenCache(margin=1, clock=lambda: now[0]))
        first = s.require_token()
        assert s.require_token() == first
        now[0] += 1.1  # the cache's clock: now inside the 1 s margin of a 2 s token
        assert s.require_token() != first
        assert s.auth_as(CachedBearerAuth).cache.stats().last_reason == "expiring"


def test_verify_token_through_discovery_and_jwks(signicat_box: Sandbox) -> None:
    s = signicat.session(creds_of(signicat_box), signicat_box.url)
    table = signicat.verify_token(s, s.require_token())
    assert table.attrs["verified"] is True
    assert set(table.loc[table["check"] != "", "check"]) == {"ok"}
    assert [e.step for e in s.journal.entries][-2:] == ["discovery", "jwks"]


def test_two_sessions_share_one_token_through_redis(signicat_box: Sandbox, redis_url: str) -> None:
    a = signicat.session(creds_of(signicat_box), signicat_box.url, cache=RedisTokenCache(redis_url))
    b = signicat.session(creds_of(signicat_box), signicat_box.url, cache=RedisTokenCache(redis_url))
    assert a.require_token() == b.require_token()
    assert signicat_box.control.counts()["tokens_issued"] == 1


def test_different_clients_never_share_a_cache_entry(signicat_box: Sandbox) -> None:
    cache = MemoryTokenCache()
    a = signicat.session(creds_of(signicat_box), signicat_box.url, cache=cache).auth
    b = signicat.session(
        creds_of(signicat_box, client_secret="other-0123456789abcdef-0123456789ab"), signicat_box.url, cache=cache
    ).auth
    c = signicat.session(creds_of(signicat_box, auth_method="client_secret_post"), signicat_box.url, cache=cache).auth
    assert len({auth.key for auth in (a, b, c) if isinstance(auth, CachedBearerAuth)}) == 3


def test_connect_live_reads_signicat_env_vars(signicat_box: Sandbox) -> None:
    env = {
        "SIGNICAT_URL": signicat_box.url,
        **{f"SIGNICAT_{k.upper()}": v for k, v in signicat_box.credentials.items()},
    }
    with kit.connect("signicat", environ=env, lifetime=5) as t:
        assert t.mode == "live" and t.ignored == ["lifetime"]
        assert t.session().call("POST", "auth/rest/sessions", json={})["status"] == "CREATED"
