"""What every registered provider's client does against its sandbox, read from its registration.

The business call (``Provider.business``) answers 2xx through a kit session and through the same auth on
plain requests (a ``requests.auth.AuthBase``); its journal, reprs and tables never hold a demo secret.
"""

from __future__ import annotations

import pytest
import requests
from business import business

import kit
from kit.auth.scheme import FlowAuth
from kit.providers import names


def secrets_of(target: kit.Target) -> list[str]:
    """The demo credential values long enough to be secrets (ids and names are not)."""
    demo = target.provider.part("sandbox").DEMO
    return [v for k, v in demo.items() if any(w in k for w in ("secret", "password", "key")) and len(v) >= 16]


@pytest.mark.parametrize("name", names())
def test_the_business_call_answers_through_a_session_and_plain_requests(name: str) -> None:
    with kit.connect(name, environ={}) as target:
        method, path, body = business(target)
        s = target.session(**target.provider.business.options)
        answer = s.call(method, path, json=body) if body is not None else s.call(method, path)
        assert answer is not None
        last = s.journal.entries[-1]
        assert last.kind == "business" and last.status is not None and last.status // 100 == 2
        plain = target.session(**target.provider.business.options).auth_as(FlowAuth)
        sent = requests.request(method, s.url_for(path), json=body, auth=plain, verify=s.verify, timeout=30)
        assert sent.status_code // 100 == 2, sent.text
        shown = "".join([repr(s), repr(plain), s.journal.table().to_string(), repr(target), str(s.journal.entries)])
        demo = secrets_of(target)
        assert demo and not [secret for secret in demo if secret in shown]
