"""Globex: every fact its client and sandbox rely on (a fixture: its sources are kit's choices)."""

from __future__ import annotations

from kit.provenance import HTTP, Fact, Registry

__all__ = ["FACTS"]

_WHY = "the fixture provider of tests/test_new_provider.py"

FACTS = Registry(
    "globex",
    [
        Fact("token-endpoint", "POST /oauth/token, client credentials in Basic", "kit's choice", _WHY),
        Fact("lifetime", "a token lives 300 s", "kit's choice", _WHY, column="lifetime"),
        Fact("api-key", "every API call carries X-Api-Key", "kit's choice", _WHY, column="sent on each call"),
        Fact("me", "GET /v1/me names the API client", "kit's choice", _WHY),
        Fact("no-revocation", "no revocation endpoint", "kit's choice", _WHY, column="revocation"),
        Fact(
            "refused",
            "a missing or wrong token or key is 401 with an error code",
            "kit's choice",
            _WHY,
            answers=("401 invalid_token", "401 invalid_key", "401 invalid_client"),
        ),
    ],
    base=HTTP,
)
