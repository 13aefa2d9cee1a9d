"""What every provider emulator shares: typed settings and the request/response plumbing.

An emulator is a plain class with a ``NAME``, a tuple of :class:`Setting` and a
:meth:`Emulator.dispatch` that maps a werkzeug ``Request`` to a ``Response``. It never raises
for a client mistake: it answers with the provider's own error envelope and a 4xx status.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError

__all__ = ["COMMON_SETTINGS", "FAULTS", "Emulator", "Setting", "json_response", "parse_value"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Setting:
    """A sandbox setting: its name, type (bool, int, float, str or list), default and help."""

    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None


def parse_value(setting: Setting, raw: Any) -> Any:
    """Convert a CLI string (or a Python value) to the setting's type, or raise ConfigError."""
    try:
        if setting.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in _TRUE | _FALSE:
                raise ValueError(raw)
            return text in _TRUE
        if setting.type is list:
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            return [str(i).strip() for i in items if str(i).strip()]
        value = setting.type(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {setting.name!r} takes a {setting.type.__name__}, not {raw!r}") from None
    if (
        setting.minimum is not None
        and value < setting.minimum
        or setting.maximum is not None
        and value > setting.maximum
    ):
        raise ConfigError(f"setting {setting.name!r} must be within {setting.minimum}..{setting.maximum}, not {value}")
    return value


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with a compact, stable rendering."""
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


FAULTS = ("none", "503-once", "slow", "reset", "bad-json")
#: Settings every sandbox has: faults injected on its token or login endpoints (``TOKEN_PATHS``).
COMMON_SETTINGS = (
    Setting("fault", str, "none", "token/login endpoint fault: " + ", ".join(FAULTS)),
    Setting("fault_delay", float, 10.0, "seconds the 'slow' fault waits before answering", 0, 600),
)


class Emulator:
    """Base of the provider emulators; subclasses set NAME and SETTINGS and implement dispatch."""

    NAME: ClassVar[str] = ""
    SETTINGS: ClassVar[tuple[Setting, ...]] = ()
    CREDENTIAL_KEYS: ClassVar[tuple[str, ...]] = ()
    TOKEN_PATHS: ClassVar[tuple[str, ...]] = ()  # where the fault settings apply

    def __init__(
        self,
        settings: dict[str, Any],
        credentials: dict[str, str] | None = None,
        *,
        mtls: bool = False,
        ca_bundle: str | None = None,
    ) -> None:
        known = {s.name: s for s in (*self.SETTINGS, *COMMON_SETTINGS)}
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ConfigError(
                f"{self.NAME} sandbox has no setting {', '.join(unknown)}; settings: {', '.join(known) or 'none'}"
            )
        self.settings = {name: parse_value(s, settings.get(name, s.default)) for name, s in known.items()}
        self.check_settings(self.settings)
        self.mtls = mtls
        self.ca_bundle = ca_bundle
        demo = self.demo_credentials()
        extra = sorted(set(credentials or {}) - set(demo) - set(self.CREDENTIAL_KEYS))
        if extra:
            raise ConfigError(f"{self.NAME} sandbox credentials have no key {', '.join(extra)}")
        self.credentials = {**demo, **(credentials or {})}

    def check_settings(self, settings: dict[str, Any]) -> None:
        """Refuse a combination of (already typed) settings this sandbox cannot run with.

        :raises ConfigError: naming the setting and what it may be.
        """
        if settings["fault"] not in FAULTS:
            raise ConfigError(f"fault must be one of {', '.join(FAULTS)}, not {settings['fault']!r}")

    def demo_credentials(self) -> dict[str, str]:
        """The credentials the sandbox accepts unless others are given (CLI ``credentials`` keys)."""
        raise NotImplementedError

    # -- what kit.sandbox.control.Control may ask of a sandbox; each emulator offers what it has --

    def _cannot(self, what: str) -> ConfigError:
        return ConfigError(f"the {self.NAME} sandbox cannot {what}")

    def forge(self, url: str, claims: dict[str, Any]) -> str:
        """A token this sandbox would issue, with ``claims`` changed (expired, another audience, …)."""
        raise self._cannot("forge tokens: it issues none")

    def rotate_key(self, *, keep_previous: bool = True) -> str:
        """Sign with a new key from now on; return its id."""
        raise self._cannot("rotate a signing key")

    def register_key(self, public_key_pem: str) -> None:
        """Trust the client's public key from now on (what pasting it into a dashboard does)."""
        raise self._cannot("register a client key")

    def public_key_pem(self) -> str:
        """The public key that checks what this sandbox signs, or the client key it trusts."""
        raise self._cannot("show a public key")

    def expire(self, token: str) -> None:
        """Make ``token`` expired on the server's side only (as if its time had run out there)."""
        raise self._cannot("expire a token: it keeps no token records")

    def counts(self) -> dict[str, int]:
        """What the sandbox has done so far that tests and notebooks may count (tokens issued, logins)."""
        return {}

    def fixtures(self) -> dict[str, str]:
        """Values the sandbox made up for its demo data that a failure case needs (another customer's secret)."""
        return {}

    def dispatch(self, request: Request) -> Response:
        raise NotImplementedError

    def cli_extras(self) -> dict[str, Any]:
        """Top-level fields the CLI adds to this sandbox's JSON line (e.g. a public key)."""
        return {}

    def server_error(self) -> Response:
        """The answer when a handler crashed (the crash is collected by the runner)."""
        return json_response({"error": "sandbox handler failed; see Sandbox.check()"}, 500)
