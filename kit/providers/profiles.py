"""Each provider's short comparison run, for notebook 06: facts are read from the run itself.

A profile makes a few business calls through a kit session, then reads what was sent from the
journal (:func:`kit.compare.observe`), the token's kind, algorithm and lifetime from the token
(:func:`kit.compare.token_facts`), how it renews by asking the session's auth for a token as if
the current one expired (:func:`kit.compare.renewal`), and how expiry is signalled from the
provider's failure table, i.e. an expired credential really sent to the sandbox. Only the
revocation and tenant columns are partly prose, each backed by a call made here where the API
allows one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kit.compare import Profile, expiry_row, held, observe, renewal, token_facts
from kit.providers import pliance, saltedge, signicat, signzy, synerise

__all__ = ["BUSINESS", "PROFILES"]

#: provider -> (session options, method, path, JSON body) of one authenticated business call
BUSINESS: dict[str, tuple[dict[str, Any], str, str, Any]] = {
    "pliance": ({}, "GET", "api/Ping", None),
    "signicat": ({}, "POST", "auth/rest/sessions", {}),
    "synerise": ({"consumer": "workspace"}, "GET", "v4/business-profile", None),
    "signzy": ({"logout_on_close": False}, "GET", "api/channels/ch-1", None),
    "saltedge": ({}, "GET", "countries", None),
}

CALLS = 3


def _calls(s: Any, provider: str) -> None:
    """The provider's business call (``BUSINESS``), a few times."""
    _, method, path, body = BUSINESS[provider]
    for _ in range(CALLS):
        s.call(method, path, step="business", json=body)


def _pliance(target: Any) -> Profile:
    s = target.session()
    _calls(s, "pliance")
    entries = list(s.journal.entries)
    tenant = "X-Tenant: " + target.credentials.tenant if target.credentials.tenant else "one company per secret (iss)"
    facts = {
        "credentials held": held(target.credentials),
        **observe(s),
        **token_facts(pliance.mint_token(target.credentials), self_minted=True),
        "renewal": "none needed: a new token is minted for every request",
        "revocation": "none: each token lives 5 min",
        "tenant or permission model": tenant,
        "expiry signalled as": expiry_row(pliance.failure_modes(target), "expired 10 min ago", "www_authenticate"),
    }
    return Profile("pliance", facts, entries)


def _signicat(target: Any) -> Profile:
    s = target.session()
    _calls(s, "signicat")
    entries = list(s.journal.entries)
    facts = {
        "credentials held": held(target.credentials),
        **observe(s),
        **token_facts(s.token().access_token.reveal()),
        "renewal": renewal(s),
        "revocation": "none: a token lives until exp (a 401 makes kit fetch another and retry once)",
        "tenant or permission model": "account id from the token's account_id claim; 403 per API product",
        "expiry signalled as": expiry_row(signicat.failure_modes(target), "expired", "code"),
    }
    return Profile("signicat", facts, entries)


def _synerise(target: Any) -> Profile:
    s = target.session(consumer="workspace")
    _calls(s, "synerise")
    entries = list(s.journal.entries)
    facts = {
        "credentials held": held(target.credentials),
        **observe(s),
        **token_facts(s.token().access_token.reveal()),
        "renewal": renewal(s),
        "revocation": "none documented",
        "tenant or permission model": "consumer type in the token (workspace, customer, user); 403 across types",
        "expiry signalled as": expiry_row(synerise.failure_modes(target), "expired", "error"),
    }
    return Profile("synerise", facts, entries)


def _signzy(target: Any) -> Profile:
    s = target.session()
    me = signzy.me(s)
    _calls(s, "signzy")
    entries = list(s.journal.entries)
    token = s.token()
    facts = {
        "credentials held": held(target.credentials),
        **observe(s),
        **token_facts(token.access_token.reveal(), lifetime=token.lifetime),
        "renewal": renewal(s),
    }
    old = s.token()
    signzy.logout(s)
    after = signzy.try_token(s, old, f"api/channels/{me}").iloc[0]
    facts["revocation"] = f"logout (204); the token then gets {after['status']} {after['code']}"
    facts["tenant or permission model"] = "channel (userId); a channel creates children; others' data 403"
    facts["expiry signalled as"] = expiry_row(signzy.failure_modes(target), "expired token (ttl 1 s)", "code")
    return Profile("signzy", facts, entries)


def _saltedge(target: Any) -> Profile:
    s = target.session()
    _calls(s, "saltedge")
    entries = list(s.journal.entries)
    facts = {
        "credentials held": held(target.credentials),
        **observe(s),
        **token_facts(None),
        "renewal": renewal(s),
        "revocation": "none: secrets are long-lived, replaced in the dashboard",
        "tenant or permission model": "Customer-secret per customer, then Login-secret per bank login",
        "expiry signalled as": expiry_row(saltedge.failure_modes(target), "expired request", "error class"),
    }
    if "Signature" in facts["sent on each call"]:
        facts["signing algorithm"] = "RSA-SHA256 over each request"
        facts["lifetime"] = "each signature: Expires-at, +60 s"
    return Profile("saltedge", facts, entries)


PROFILES: dict[str, Callable[[Any], Profile]] = {
    "pliance": _pliance,
    "signicat": _signicat,
    "synerise": _synerise,
    "signzy": _signzy,
    "saltedge": _saltedge,
}
