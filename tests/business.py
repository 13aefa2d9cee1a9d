"""Each provider's business call, read from its registration (``Provider.business``): what the provider-
parametrised tests send, so a new provider is exercised without a table of calls kept here."""

from __future__ import annotations

from typing import Any

import kit


def business(target: kit.Target) -> tuple[str, str, Any]:
    """The call's method, its path relative to a session's base URL, and its JSON body (None: no body).

    A path that names the logged-in user is worked out in a session of its own, closed again (a Signzy
    session logs out), so the caller's token counts start from nothing.
    """
    call = target.provider.business
    if isinstance(call.path, str):
        return call.method, call.path, call.body
    s = target.session()
    try:
        return call.method, call.path_for(s), call.body
    finally:
        s.close()


def business_url(target: kit.Target) -> tuple[str, str, Any]:
    """The same, with the path as a full URL (what a command-line client is given)."""
    method, path, body = business(target)
    s = target.session(**target.provider.business.options)
    try:
        return method, s.url_for(path), body
    finally:
        s.close()
