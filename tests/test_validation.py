"""Bad input from either side is a typed KitError with no secret in it.

* Token answers with a lifetime that is not a finite number within 1 s..366 days: an ApiError
  naming the field; the token is not cached, in memory or in Redis, and nothing raw escapes.
  The broken answers come from a real HTTP server on a socket: a provider misbehaving is not
  something the sandboxes emulate, so this test plays that provider with a few lines of werkzeug.
* Credentials with surrounding whitespace or control characters: a ConfigError naming the field
  and where it came from, for all five providers.
* Live URLs: http(s) with a host, no user info, plain http only to this machine unless opted in,
  and Salt Edge's version prefix recognised or refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from werkzeug.wrappers import Request, Response

import kit
from kit.auth.bearer import CachedBearerAuth
from kit.auth.redis_cache import RedisTokenCache
from kit.auth.tokencache import MemoryTokenCache
from kit.providers import pliance, saltedge, signicat, signzy, synerise
from kit.sandbox import start
from kit.serving import BackgroundServer

TOKEN = "tok-" + "a" * 40
BAD_LIFETIMES = ["NaN", "Infinity", "-Infinity", "-5", "0", "1e30", '"abc"', "true", "null"]


class BrokenProvider:
    """Answers every token or login request with the body it is given (raw JSON text, NaN allowed)."""

    def __init__(self) -> None:
        self.body = "{}"
        self.calls = 0
        self.server = BackgroundServer(self._app, name="broken-provider")
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        Request(environ).get_data()
        self.calls += 1
        return Response(self.body, 200, content_type="application/json")(environ, start_response)


@pytest.fixture
def broken() -> Iterator[BrokenProvider]:
    provider = BrokenProvider()
    yield provider
    provider.server.stop()


def signicat_session(url: str, cache: Any) -> kit.Session[Any]:
    creds = signicat.Credentials.of(client_id="kit-test", client_secret="s" * 40)
    return signicat.session(creds, url, cache=cache)


def caches(redis_url: str) -> list[Any]:
    return [MemoryTokenCache(), RedisTokenCache(redis_url)]


@pytest.mark.parametrize("value", BAD_LIFETIMES)
@pytest.mark.parametrize("cache_kind", ["memory", "redis"])
def test_a_bad_expires_in_is_an_api_error_and_nothing_is_cached(
    broken: BrokenProvider, redis_url: str, value: str, cache_kind: str
) -> None:
    cache = MemoryTokenCache() if cache_kind == "memory" else RedisTokenCache(redis_url)
    broken.body = f'{{"access_token": "{TOKEN}", "token_type": "Bearer", "expires_in": {value}}}'
    s = signicat_session(broken.url, cache)
    for _ in range(2):  # the second call fetches again: nothing was cached
        with pytest.raises(kit.ApiError) as info:
            s.call("GET", "auth/rest/sessions/x")
        assert info.value.code == "invalid_lifetime" and "expires_in" in str(info.value)
        assert TOKEN not in str(info.value)
    assert cache.peek(s.auth_as(CachedBearerAuth).key) is None and broken.calls == 2
    assert cache.stats().errors == 2


def test_an_absent_expires_in_falls_back_to_the_jwt_exp(broken: BrokenProvider) -> None:
    now = int(time.time())
    token = jwt.encode({"exp": now + 600, "iat": now}, "k" * 32, algorithm="HS256")
    broken.body = json.dumps({"access_token": token, "token_type": "Bearer"})
    s = signicat_session(broken.url, MemoryTokenCache())
    assert 590 < s.require_token().expires_in() <= 600
    broken.body = json.dumps({"access_token": TOKEN, "token_type": "Bearer"})  # neither: refused
    with pytest.raises(kit.ApiError, match="expires_in .absent; nor does the token carry exp. is missing"):
        signicat_session(broken.url, MemoryTokenCache()).require_token()


@pytest.mark.parametrize("value", BAD_LIFETIMES)
def test_a_bad_signzy_ttl_is_an_api_error(broken: BrokenProvider, value: str) -> None:
    created = "2026-11-23T00:00:00.000Z"
    broken.body = f'{{"id": "{TOKEN}", "ttl": {value}, "created": "{created}", "userId": "ch-1"}}'
    s = signzy.session(signzy.Credentials.of("user", "p" * 32), broken.url, logout_on_close=False)
    with pytest.raises(kit.ApiError) as info:
        s.call("GET", "api/channels/ch-1")
    assert info.value.code == "invalid_lifetime" and "ttl" in str(info.value) and TOKEN not in str(info.value)
    assert TOKEN not in kit.journal(s).to_string()  # the login answer's token is masked in the journal too


@pytest.mark.parametrize("exp", [float("nan"), -5, 1e30, "soon", None])
def test_a_bad_synerise_exp_is_an_api_error(broken: BrokenProvider, exp: Any) -> None:
    claims = {"sub": "x", "iat": int(time.time())} | ({} if exp is None else {"exp": exp})
    broken.body = json.dumps({"token": jwt.encode(claims, "k" * 64, algorithm="HS512")})
    s = synerise.session(synerise.Credentials.of(workspace_api_key="k" * 36), broken.url)
    with pytest.raises(kit.ApiError) as info:
        s.require_token()
    assert info.value.code == "invalid_lifetime" and "exp" in str(info.value)
    assert s.auth_as(CachedBearerAuth).cache.peek(s.auth_as(CachedBearerAuth).key) is None


def test_redis_errors_surface_as_kit_errors() -> None:
    with start("signicat") as box:
        s = signicat.session(
            signicat.Credentials.of(**box.credentials), box.url, cache=RedisTokenCache("redis://127.0.0.1:9/0")
        )
        with pytest.raises(kit.KitError, match="redis token cache: reading the token failed: ConnectionError"):
            s.call("POST", "auth/rest/sessions", json={})


# -- credentials -----------------------------------------------------------------------------------

BAD_VALUES = {"trailing newline": "{}\n", "leading space": " {}", "a tab inside": "{}\tx", "a NUL inside": "{}\0x"}
FIELDS = [  # (provider, a secret field, an id field)
    ("pliance", "secret", "issuer"),
    ("signicat", "client_secret", "client_id"),
    ("synerise", "client_password", "client_email"),
    ("signzy", "password", "username"),
    ("saltedge", "app_secret", "client_id"),
]


@pytest.mark.parametrize("provider, secret_field, id_field", FIELDS)
@pytest.mark.parametrize("problem", sorted(BAD_VALUES))
def test_whitespace_or_control_characters_in_credentials_are_config_errors(
    provider: str, secret_field: str, id_field: str, problem: str
) -> None:
    with start(provider) as box:
        good = dict(box.credentials)
        for field in (secret_field, id_field):
            bad = BAD_VALUES[problem].format(good[field])
            env = {f"{provider.upper()}_URL": box.url}
            env.update({f"{provider.upper()}_{k.upper()}": v for k, v in {**good, field: bad}.items()})
            var = f"{provider.upper()}_{field.upper()}"
            with pytest.raises(kit.ConfigError, match=f"{field} from env var {var} ") as info:
                kit.connect(provider, environ=env)
            assert good[field] not in str(info.value)
            options: dict[str, Any] = {field: bad}
            with pytest.raises(kit.ConfigError, match=f"{field} from code "):
                kit.connect(provider, environ={}, **options)
            target = kit.connect(provider, environ={})
            form = kit.credentials_form(target)
            form.fields[field].value = bad
            with pytest.raises(kit.ConfigError, match=f"{field} from the form "):
                form.submit()
            target.close()


def test_a_pem_key_may_hold_newlines() -> None:
    key, _ = saltedge.generate_key_pair()
    creds = saltedge.Credentials.of(client_id="c", app_secret="s" * 32, private_key_pem=key.reveal() + "\n")
    assert creds.private_key_pem is not None


def test_a_bad_pem_is_a_config_error() -> None:
    with start("saltedge") as box:
        creds = saltedge.Credentials.of(**{**box.credentials, "private_key_pem": "-----BEGIN nonsense"})
        with pytest.raises(kit.ConfigError, match="not an unencrypted PEM private key"):
            saltedge.session(creds, box.url).call("GET", "countries")


# -- live URLs -------------------------------------------------------------------------------------


def pliance_env(url: str, **extra: str) -> dict[str, str]:
    creds = {"secret": "s" * 40, "issuer": "i", "given_name": "g", "subject": "s"}
    return {"PLIANCE_URL": url, **{f"PLIANCE_{k.upper()}": v for k, v in creds.items()}, **extra}


@pytest.mark.parametrize(
    "url, problem",
    [
        ("htp://pliance.example", "must be an https:// URL"),
        ("pliance.example/api", "must be an https:// URL"),
        ("http://pliance.example/", "plain http:// to pliance.example"),
        ("http://10.1.2.3:8080/", "plain http:// to 10.1.2.3"),
        ("https://admin:hunter2-0123456789@pliance.example/", "must not carry a user name or password"),
        ("https:///no-host", "has no host"),
        ("https://pliance.example:99999/", "port that is not a number"),
        ("https://pliance.example/?tenant=a", "without a query or fragment"),
        ("https://pliance.example/#x", "without a query or fragment"),
    ],
)
def test_bad_live_urls_are_config_errors_naming_the_env_var(url: str, problem: str) -> None:
    with pytest.raises(kit.ConfigError, match=problem) as info:
        kit.connect("pliance", environ=pliance_env(url))
    assert str(info.value).startswith("PLIANCE_URL ") and "hunter2" not in str(info.value)


def test_plain_http_is_fine_to_this_machine_and_with_the_opt_in() -> None:
    for url in ("http://127.0.0.1:8701", "http://localhost:8701/", "http://[::1]:8701/", "http://127.9.9.9/"):
        assert kit.connect("pliance", environ=pliance_env(url)).base_url.startswith("http://")
    for opt_in in ({"KIT_ALLOW_HTTP": "1"}, {"KIT_ALLOW_HTTP": "true"}):
        target = kit.connect("pliance", environ=pliance_env("http://proxy.internal:8080", **opt_in))
        assert target.base_url == "http://proxy.internal:8080/"
    assert kit.connect("pliance", environ=pliance_env("http://proxy.internal"), allow_http=True).mode == "live"
    with pytest.raises(kit.ConfigError):
        kit.connect("pliance", environ=pliance_env("http://proxy.internal", KIT_ALLOW_HTTP="1"), allow_http=False)


def test_saltedge_version_prefix_is_recognised_or_refused() -> None:
    with start("saltedge") as box:
        env = {f"SALTEDGE_{k.upper()}": v for k, v in box.credentials.items()} | {"SALTEDGE_API_VERSION": "v3"}
        target = kit.connect("saltedge", environ={**env, "SALTEDGE_URL": box.url + "api/v3/"})
        assert target.base_url == box.url
        s = target.session()
        assert s.base_url == box.url + "api/v3/" and s.call("GET", "countries")
        with pytest.raises(kit.ConfigError, match="SALTEDGE_URL: the URL ends in api/v5/ but api_version is v3"):
            kit.connect("saltedge", environ={**env, "SALTEDGE_URL": box.url + "api/v5"})
        v5 = {**env, "SALTEDGE_URL": box.url + "api/v5/", "SALTEDGE_API_VERSION": "v5"}
        assert kit.connect("saltedge", environ=v5).session().base_url == box.url + "api/v5/"
        unset = {**env, "SALTEDGE_URL": box.url + "api/v3/", "SALTEDGE_API_VERSION": ""}  # v6 unless it says
        with pytest.raises(kit.ConfigError, match="SALTEDGE_URL: the URL ends in api/v3/ but api_version is v6"):
            kit.connect("saltedge", environ=unset)


def test_an_unreachable_live_host_names_method_url_and_env_var() -> None:
    with kit.connect("pliance", environ=pliance_env("http://127.0.0.1:9/")) as target:
        with pytest.raises(kit.TransportError) as info:
            target.session().call("GET", "api/Ping")
    message = str(info.value)
    assert message.startswith("pliance: GET http://127.0.0.1:9/api/Ping failed: ConnectionError")
    assert "Connection refused" in message and message.endswith("(the base URL comes from PLIANCE_URL)")
    env = {"SIGNICAT_URL": "http://127.0.0.1:9/", "SIGNICAT_CLIENT_ID": "c", "SIGNICAT_CLIENT_SECRET": "s" * 40}
    with pytest.raises(kit.TransportError) as info:
        kit.connect("signicat", environ=env).session().call("POST", "auth/rest/sessions", json={})
    assert str(info.value).startswith(
        "signicat: POST http://127.0.0.1:9/auth/open/connect/token failed after 2 attempts: ConnectionError"
    )
    assert "SIGNICAT_URL" in str(info.value) and info.value.attempts == 2


def test_pliance_credentials_built_in_code_name_code_as_the_source() -> None:
    with pytest.raises(kit.ConfigError, match="pliance subject from code has leading or trailing whitespace"):
        pliance.Credentials.of(secret="s" * 40, issuer="i", given_name="g", subject="demo-1 ")
