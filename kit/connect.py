"""``kit.connect(name)``: the live provider when ``<PROVIDER>_URL`` is set, else a local sandbox.

Live credentials come from one env var per credentials field, ``<PROVIDER>_<FIELD>``. In
sandbox mode an in-process sandbox starts and its demo credentials are used. Keyword
overrides that name a credentials field replace it in both modes; the others are sandbox
settings, which a live run ignores (they are listed in ``Target.ignored``), so one notebook
runs unchanged against either.

A live ``<PROVIDER>_URL`` is checked before anything is sent: http or https, a host, a valid
port, no user info, no query or fragment. Plain ``http://`` is refused unless the host is this
machine (127.0.0.0/8, ::1, localhost), because JWTs, passwords and secrets would cross the
network in clear; ``KIT_ALLOW_HTTP=1`` (or ``allow_http=True``) is the explicit opt-in for a
TLS-terminating proxy you run and trust. A provider may recognise its own version prefix in the
URL (``…/api/v3/``) or refuse it clearly (``Provider.base_url``).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from kit.arguments import checked
from kit.credentials import Credentials, env_name
from kit.environment import Environment
from kit.errors import ConfigError
from kit.providers import provider
from kit.secrets import show_url
from kit.spec import Provider
from kit.target import Target
from kit.terminal import HIDDEN

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    pass

__all__ = ["connect", "live_url"]

_TRUE = {"1", "true", "yes", "on"}


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def live_url(raw: str, var: str, *, allow_http: bool = False) -> str:
    """The base URL in env var ``var``, checked and ending in ``/``.

    :raises ConfigError: naming ``var`` (never a password the URL may hold) when the URL is not
        http(s) with a host, has user info, a query or a fragment, or is plain http to another machine.
    """
    unsafe = next((c for c in raw if HIDDEN.match(c)), None)
    if unsafe is not None:  # urlsplit drops CR, LF and tab silently: the base URL would change unseen
        raise ConfigError(f"{var} holds a control or bidirectional character (U+{ord(unsafe):04X}); type the URL again")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):  # not a URL at all: it may be a secret in the wrong variable, never repeated
        raise ConfigError(
            f"{var} must be an https:// URL; what it holds does not start with https:// or http:// "
            "(kit does not repeat it: it may be a credential set in the wrong variable)"
        )
    if "@" in parts.netloc:
        raise ConfigError(f"{var} must not carry a user name or password before the host; use the credential env vars")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:  # 0 is no port a server listens on
        raise ConfigError(f"{var} has a port that is not a number within 1..65535: {show_url(raw)!r}")
    if not parts.hostname:
        raise ConfigError(f"{var} has no host: {show_url(raw)!r}")
    if parts.query or parts.fragment:  # shown without them: either may carry a token (an implicit grant's #)
        hidden = parts._replace(query="…" if parts.query else "", fragment="…" if parts.fragment else "")
        bare = show_url(urlunsplit(hidden))
        raise ConfigError(f"{var} must be a base URL without a query or fragment: {bare!r}")
    if scheme == "http" and not _loopback(parts.hostname) and not allow_http:
        raise ConfigError(
            f"{var} is plain http:// to {parts.hostname}: credentials would cross the network in clear. Use https://, "
            "or http only to this machine; KIT_ALLOW_HTTP=1 allows it for a TLS-terminating proxy you trust"
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


@checked
def connect(
    name: str,
    *,
    tls: bool = False,
    mtls: bool = False,
    environ: Mapping[str, str] | None = None,
    env_file: str | os.PathLike[str] | None = None,
    allow_http: bool | None = None,
    **overrides: Any,
) -> Target:
    """Connect to provider ``name``: live if ``<NAME>_URL`` is set, else a fresh local sandbox.

    :param tls, mtls: serve the sandbox over HTTPS (and ask for a client certificate).
    :param environ: where to read env vars (default ``os.environ``).
    :param env_file: a ``.env`` file (python-dotenv's format) whose ``<NAME>_*`` values fill in what the env
        vars do not set (an env var wins, as with ``load_dotenv()``); shown as ``.env <NAME>_SECRET``.
    :param allow_http: allow a live ``http://`` URL to another machine (default: ``KIT_ALLOW_HTTP``).
    :param overrides: credentials fields to replace, or sandbox settings.
    :raises ConfigError: unknown provider, unknown override, a bad live URL, missing live env vars, or an
        ``env_file`` that is not a readable file.
    """
    spec = provider(name)
    env = Environment(environ, env_file=env_file, prefix=spec.name.upper())
    fields = {f.name for f in spec.credentials.fields()}
    settings_known = _settings(spec) if set(overrides) - fields else set()  # the sandbox's, only when named
    unknown = sorted(set(overrides) - fields - settings_known)
    if unknown:
        raise ConfigError(
            f"connect({spec.name!r}) got unknown option(s) {', '.join(unknown)}; credentials fields: "
            f"{', '.join(sorted(fields))}; sandbox settings: {', '.join(sorted(settings_known))}"
        )
    cred_overrides = {k: v for k, v in overrides.items() if k in fields}
    settings = {k: v for k, v in overrides.items() if k not in fields}
    var = env_name(spec.name, "url")
    raw = env.get(var, "").strip()
    if raw:
        spec.credentials.register_secrets(env)  # first: a refusal of the URL below may quote what it holds
        insecure = env.get("KIT_ALLOW_HTTP", "").strip().lower() in _TRUE if allow_http is None else allow_http
        url = live_url(raw, var, allow_http=insecure)
        try:
            base = spec.credentials.from_env(env)
        except ConfigError as exc:
            hint = f"{var} is set, so credentials come from env vars; a live URL looks like {spec.live_url}"
            raise ConfigError(f"{exc.message} ({hint})") from None
        creds = base.replace(**cred_overrides) if cred_overrides else base
        if spec.base_url is not None:
            try:
                url = spec.base_url(url, creds)
            except ConfigError as exc:
                raise ConfigError(f"{var}: {exc.message}") from None
        verify = env.get(env_name(spec.name, "ca_bundle")) or None
        named = {f.name: env_name(spec.name, f.name) for f in creds.fields()}
        given = {name: env.label(var) for name, var in named.items() if env.get(var)}
        sources = _sources(creds, given, cred_overrides)
        ignored = sorted(settings)
        return Target(
            spec, "live", url, creds, verify=verify, ignored=ignored, sources=sources, url_source=env.label(var)
        )
    from kit.sandbox.runner import Sandbox  # werkzeug and trustme load here, when a sandbox starts

    sandbox = Sandbox(spec.emulator_class(), tls=tls, mtls=mtls, settings=settings)
    data: dict[str, Any] = dict(sandbox.credentials)
    if sandbox.client_cert and "cert" in fields:
        data["cert"] = sandbox.client_cert
    try:
        creds = spec.credentials.from_mapping(data, source="the sandbox")
        creds = creds.replace(**cred_overrides) if cred_overrides else creds  # checked as from code
    except ConfigError:
        sandbox.stop()
        raise
    sources = _sources(creds, {name: "sandbox" for name in data}, cred_overrides)
    return Target(spec, "sandbox", sandbox.url, creds, sandbox=sandbox, verify=sandbox.ca_bundle, sources=sources)


def _settings(spec: Provider) -> set[str]:
    """The names of the settings ``spec``'s sandbox takes (its own and every sandbox's)."""
    from kit.sandbox.base import COMMON_SETTINGS

    return {s.name for s in (*spec.emulator_class().SETTINGS, *COMMON_SETTINGS)}


def _sources(creds: Credentials, given: Mapping[str, str], overrides: Mapping[str, Any]) -> dict[str, str]:
    """Where each credentials field came from: what gave it, a ``connect()`` argument, or its default."""
    sources = {}
    for f in creds.fields():
        if f.name in overrides:
            sources[f.name] = "connect() argument"
        elif f.name in given:
            sources[f.name] = given[f.name]
        else:
            sources[f.name] = "not set" if getattr(creds, f.name) is None else "default"
    return sources
