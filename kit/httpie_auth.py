"""HTTPie auth plugins, one per provider: ``http --auth-type=kit-<name> POST :8702/...`` (``kit[httpie]``).

HTTPie finds them through its entry point group ``httpie.plugins.auth.v1`` (``pyproject.toml`` names one
per registered provider, each ``kit.httpie_auth:<name>``); this module makes each plugin class when HTTPie
asks for it, so it names no provider itself. The plugin reads what :func:`kit.connect` reads for a live
provider: ``<NAME>_URL`` and the credential env vars (``-a FILE`` names a ``.env`` file to read them from
as well), and returns the auth a kit session would use (a ``requests.auth.AuthBase``, which is what
HTTPie's auth plugins return), bound to ``<NAME>_URL``'s origin: a request to another origin is refused.
Without ``<NAME>_URL`` it refuses, saying what to set: a plugin never starts a sandbox.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING, Any

from httpie.plugins import AuthPlugin

if TYPE_CHECKING:
    import requests

    from kit.auth.scheme import FlowAuth

__all__ = ["plugin"]

# HTTPie loads every plugin on every run: this module imports nothing of kit's until HTTPie asks a plugin for
# an auth (get_auth), so a plain `http` costs no more with kit installed than without it.


@functools.cache
def plugin(name: str) -> type[AuthPlugin]:
    """The HTTPie auth plugin class of provider ``name`` (``--auth-type=kit-<name>``)."""

    class KitAuthPlugin(AuthPlugin):  # type: ignore[misc]
        __doc__ = f"{name}: its auth as a kit session does it"
        description = f"{name}'s auth as a kit session does it; reads {name.upper()}_URL and the credential env vars"
        auth_type = f"kit-{name}"
        auth_require = False
        auth_parse = False
        prompt_password = False

        def get_auth(self, username: str | None = None, password: str | None = None) -> requests.auth.AuthBase:
            from kit.errors import KitError
            from kit.terminal import visible

            try:
                return _auth(name, self.raw_auth or None)
            except KitError as exc:  # said as HTTPie says a usage error, without a traceback
                print(visible(f"http: error: {exc}"), file=sys.stderr)  # a provider's words, shown not obeyed
                raise SystemExit(2) from None

    KitAuthPlugin.name = f"kit {name}"
    KitAuthPlugin.__name__ = KitAuthPlugin.__qualname__ = f"{name.capitalize()}AuthPlugin"
    return KitAuthPlugin


def _auth(name: str, env_file: str | None) -> FlowAuth[Any]:
    """The auth a session of provider ``name`` would use, bound to ``<NAME>_URL``'s origin."""
    import requests

    from kit.auth.origins import origin
    from kit.auth.scheme import FlowAuth
    from kit.connect import connect
    from kit.credentials import env_name
    from kit.environment import Environment
    from kit.errors import ConfigError
    from kit.providers import provider
    from kit.shell import kit_command

    var = env_name(name, "url")
    if not Environment(os.environ, env_file=env_file, prefix=name.upper()).get(var, "").strip():
        raise ConfigError(
            f"set {var} (the live API, {provider(name).live_url}, or a sandbox: `{kit_command()} sandbox serve "
            f"{name}` prints the export lines) and the credential env vars"
        )
    target = connect(name, env_file=env_file)
    session = target.session()
    auth = session.auth_as(FlowAuth)
    auth.bound = origin(target.base_url)
    http = requests.Session()  # the token requests: the same TLS settings as the session's
    http.verify = session.verify
    http.cert = session.cert
    auth.http = http
    return auth


def __getattr__(name: str) -> Any:
    """``kit.httpie_auth.<provider>``: what each entry point names (the provider is checked when its auth is
    asked for: an unknown one is then a usage error naming the known ones)."""
    if name.isascii() and name.isalpha() and name.islower():  # a provider's name; never pytest_plugins & co.
        return plugin(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
