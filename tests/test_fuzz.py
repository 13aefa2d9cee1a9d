"""Property-based fuzzing of every sandbox over real sockets: 1,000 generated requests each in CI
(the ``ci`` hypothesis profile, see ``conftest.py``), 100 in a workstation's ``make test``.

Every answer must be the provider's own error envelope with a 4xx status (or a success for the rare
valid request), never a 5xx, a crash collected by the sandbox, or a hang (every request has a timeout).
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from kit.providers import provider
from kit.sandbox import Sandbox, start

PATHS = {
    "pliance": [
        "api/Ping",
        "api/PersonCommand",
        "api/PersonQuery",
        "api/WebhookCommand",
        "api/WebhookQuery",
        "api/WebhookQuery/Poke",
    ],
    "signicat": [
        "auth/open/connect/token",
        "auth/rest/sessions",
        "auth/rest/sessions/1",
        "auth/open/.well-known/openid-configuration",
    ],
    "synerise": [
        "uauth/v2/auth/login/profile",
        "sauth/v3/auth/login/client",
        "uauth/auth/login/user",
        "v4/auth/refresh/profile",
        "sauth/v3/auth/refresh/client",
        "v4/business-profile",
        "v4/clients/x",
    ],
    "signzy": [
        "api/channels/login",
        "api/customers/login",
        "api/channels/logout",
        "api/channels/change-password",
        "api/channels/ch-1",
        "api/channels/ch-1/channels",
        "api/channels/ch-1/onboardings",
    ],
    "saltedge": ["api/v3/countries", "api/v5/customers", "api/v6/connections", "api/v3/login", "api/v5/connection"],
}
TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
JWTISH = st.builds(lambda a, b, c: f"eyJ{a}.eyJ{b}.{c}", TEXT, TEXT, TEXT)
HEADER_NAMES = [
    "Authorization",
    "X-Tenant",
    "X-Access-Token",
    "Api-Version",
    "Client-id",
    "App-secret",
    "App-id",
    "Secret",
    "Customer-secret",
    "Login-secret",
    "Connection-secret",
    "Expires-at",
    "Signature",
    "Content-Type",
]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data", ""]
#: bodies that broke sandboxes before: deep nesting, huge and non-finite numbers, odd encodings
ODD_BODIES = st.sampled_from(
    [
        "[" * 100_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        "[" * 33 + "]" * 33,
        '{"x": NaN}',
        '{"x": Infinity, "y": -Infinity}',
        '{"exp": 1e400, "iat": -1e400}',
        '{"n": ' + "9" * 5_000 + "}",
        "x" * 70_000,
    ]
) | st.sampled_from([b"\xff\xfe{\x00}\x00", '{"é": 1}'.encode("latin-1"), b"\xc0\xaf", b'{"a": "\xed\xa0\x80"}'])


def _pliance(body: Any) -> bool:
    return set(body) >= {"status", "success", "message", "checkpoint"} and body["success"] is False


def _signicat(body: Any) -> bool:
    return {"error", "error_description"} <= set(body) or {"type", "title", "detail", "code"} <= set(body)


def _synerise(body: Any) -> bool:
    return set(body) == {"timestamp", "status", "error", "message", "path", "errors"}


def _signzy(body: Any) -> bool:
    # LoopBack's envelope; "code" only where the framework names one (not on a 404, a syntax error, a logout)
    return set(body) == {"error"} and {"statusCode", "name", "message"} <= set(body["error"])


def _saltedge(body: Any) -> bool:
    flat = {"error_class", "error_message", "request"} <= set(body)
    nested = isinstance(body.get("error"), dict) and {"class", "message", "documentation_url"} <= set(body["error"])
    return flat or nested


ENVELOPES: dict[str, Callable[[Any], bool]] = {
    "pliance": _pliance,
    "signicat": _signicat,
    "synerise": _synerise,
    "signzy": _signzy,
    "saltedge": _saltedge,
}


@pytest.fixture(scope="module", params=sorted(PATHS))
def box(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with start(request.param) as sandbox:
        yield sandbox
        sandbox.check()  # a crash inside a handler fails the provider here


def requests_for(name: str) -> st.SearchStrategy[dict[str, Any]]:
    segment = st.sampled_from(PATHS[name]) | st.builds(
        lambda p, x: f"{p}/{x}",
        st.sampled_from(PATHS[name]),
        st.text(alphabet="abcxyz019-_.%", min_size=1, max_size=12),
    )
    header_value = (
        TEXT | JWTISH | st.builds(lambda t: f"Bearer {t}", TEXT | JWTISH) | st.builds(lambda t: f"Basic {t}", TEXT)
    )
    # requests itself refuses header values with leading whitespace, so generate none
    headers = st.dictionaries(st.sampled_from(HEADER_NAMES), header_value.map(lambda v: v.strip() or "x"), max_size=5)
    body = (
        st.none()
        | ODD_BODIES
        | st.binary(max_size=200)
        | TEXT
        | st.builds(
            json.dumps,
            st.recursive(
                st.none() | st.booleans() | st.integers() | TEXT,
                lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                max_leaves=8,
            ),
        )
    )
    return st.fixed_dictionaries(
        {
            "method": st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
            "path": segment,
            "headers": headers,
            "body": body,
            "query": st.dictionaries(
                st.sampled_from(["access_token", "personReferenceId", "signicat-accountId", "x"]), TEXT, max_size=2
            ),
            "content_type": st.sampled_from(CONTENT_TYPES),
        }
    )


@given(data=st.data())
def test_every_answer_is_the_provider_envelope(box: Sandbox, data: st.DataObject) -> None:
    case = data.draw(requests_for(box.name))
    headers = dict(case["headers"])
    if case["content_type"]:
        headers.setdefault("Content-Type", case["content_type"])
    answer = requests.request(
        case["method"], box.url_for(case["path"]), params=case["query"], headers=headers, data=case["body"], timeout=10
    )
    assert answer.status_code < 500, (case, answer.text[:300])
    if answer.status_code in provider(box.name).part("surface").SURFACE.bodiless:  # a framework's challenge
        assert answer.content == b"" and answer.headers["WWW-Authenticate"], (case, answer.text[:300])
    elif answer.status_code >= 400:
        body = answer.json()
        assert isinstance(body, dict) and ENVELOPES[box.name](body), (case, body)
    assert not box.errors, box.errors
