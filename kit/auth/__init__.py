"""The auth room: how a credential gets onto a request, with no I/O, no session and no pandas.

* :mod:`kit.auth.flow` — the seam: :class:`~kit.auth.flow.Exchange`, flows, and the one driver (``advance``);
* :mod:`kit.auth.origins` — the origin a credential belongs to, and the redirects kit refuses;
* :mod:`kit.auth.scheme` — :class:`~kit.auth.scheme.FlowAuth` (an auth whose work is a flow) and tokenless schemes;
* :mod:`kit.auth.plain` — the same flow driven for plain requests (``requests.get(url, auth=auth)``);
* :mod:`kit.auth.bearer` — a cached bearer token as a flow, with the one retry of the original request;
* :mod:`kit.auth.oauth2` — OAuth2 client credentials (client authentication methods, token requests);
* :mod:`kit.auth.tokens` — what a token is (:class:`~kit.auth.tokens.CachedToken`), its answer read and checked;
* :mod:`kit.auth.tokencache` and :mod:`kit.auth.redis_cache` — single-flight token caches.

Whatever drives a flow (a kit Session, a plain ``requests.Session``) lives above this floor; this
package imports nothing from there (``tests/test_architecture.py`` keeps it so).
"""
