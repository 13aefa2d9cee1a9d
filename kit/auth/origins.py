"""Origins: a credential belongs to one (scheme, host, port), and nothing in kit sends it to another.

:func:`origin` computes a URL's origin; :func:`check_origin` refuses a URL on another one;
:func:`redirect_refused` is the error for a redirect kit will not follow (it names both origins and
never the URL's query).
"""

from __future__ import annotations

import functools
from urllib.parse import urljoin, urlsplit

import requests

from kit.errors import AuthError, ConfigError
from kit.secrets import show_url

__all__ = ["Origin", "check_origin", "origin", "redirect_refused", "same_origin", "show_origin"]

Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> Origin:
    """``(scheme, host, port)`` of ``url``, lower-cased, with the scheme's default port filled in.

    :raises ConfigError: the URL has no http(s) scheme, no host, or a port out of range.
    """
    scheme_end = url.find("://")
    if scheme_end > 0:  # the origin lies in the text before the first "/", "?" or "#" after "://"
        rest = url[scheme_end + 3 :]
        cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
        return _origin_of(url[: scheme_end + 3 + cut])
    return _origin_of(url)


@functools.lru_cache(maxsize=256)
def _origin_of(url: str) -> Origin:
    """:func:`origin` of a URL, cached by its scheme and authority only (a session's URLs share them,
    and no path or query, which may hold a token, is kept in the cache)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{show_url(url)} has a port that is not a number within 0..65535") from None
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ConfigError(f"{show_url(url)} is not an http(s) URL with a host")
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def show_origin(value: Origin) -> str:
    """``https://host:443`` (IPv6 hosts in brackets)."""
    scheme, host, port = value
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def redirect_refused(kind: str, response: requests.Response, sent_to: str) -> AuthError:
    """The error for a redirect kit will not follow: it names both origins and never the URL's query."""
    location = urljoin(sent_to, response.headers.get("Location", ""))
    try:
        there = show_origin(origin(location))
    except ConfigError:
        there = "a URL that is not http(s)"
    here = show_origin(origin(sent_to))
    why = (
        "token, login, refresh and logout requests never follow redirects"
        if kind == "auth"
        else "kit never sends a credential to another origin"
    )
    return AuthError(
        response.status_code,
        "redirect_refused",
        f"{here} answered {response.status_code} to {there}; not followed: {why}",
        provider=None,
        url=urlsplit(sent_to).path,
    )


def same_origin(url: str, bound: Origin | None) -> bool:
    """Whether ``url`` is on the ``bound`` origin (a URL that is not http(s) never is)."""
    try:
        return origin(url) == bound
    except ConfigError:
        return False


def check_origin(bound: Origin | None, url: str) -> None:
    """Raise ConfigError when ``url`` is not on the ``bound`` origin (None: anything goes)."""
    if bound is not None and origin(url) != bound:
        raise ConfigError(
            f"{show_url(url)} is on {show_origin(origin(url))}, but these credentials belong to "
            f"{show_origin(bound)}: kit sends nothing there (open a session for that origin instead)"
        )
