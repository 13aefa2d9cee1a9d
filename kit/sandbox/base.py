"""What every provider emulator shares: typed settings and the request/response plumbing.

An emulator is a plain class with a ``NAME``, a tuple of :class:`Setting` and a
:meth:`Emulator.dispatch` that maps a werkzeug ``Request`` to a ``Response``. It never raises
for a client mistake: it answers with the provider's own error envelope and a 4xx status.
"""

from __future__ import annotations

import json
import math
import operator
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, ClassVar

from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.provenance import Registry
from kit.sandbox.routes import Routes
from kit.surface import Endpoint, Surface

__all__ = [
    "COMMON_SETTINGS",
    "FAULTS",
    "BodyRejected",
    "Emulator",
    "Endpoint",
    "Setting",
    "json_response",
    "parse_value",
    "read_json",
]

SEEN = 1000  # requests a sandbox remembers (Control.seen)
#: header names every client sends, left out of what a sandbox remembers it was sent
_TRANSPORT = {"host", "user-agent", "accept", "accept-encoding", "connection", "content-length", "content-type"}
MAX_BODY = 65_536  # bytes: no request any of these APIs takes is near that
MAX_DEPTH = 32  # levels of JSON nesting
_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_BRACKET = re.compile(r"[\[\]{}]")

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
        if setting.type in (int, float) and isinstance(raw, bool):
            raise ValueError(raw)  # True is not a number of seconds
        value = setting.type(raw)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(raw)  # nan and inf pass every range check
    except (TypeError, ValueError, OverflowError):
        kind = f"finite {setting.type.__name__}" if setting.type in (int, float) else setting.type.__name__
        raise ConfigError(f"setting {setting.name!r} takes a {kind}, not {raw!r}") from None
    if (
        setting.minimum is not None
        and value < setting.minimum
        or setting.maximum is not None
        and value > setting.maximum
    ):
        raise ConfigError(f"setting {setting.name!r} must be within {setting.minimum}..{setting.maximum}, not {value}")
    return value


class BodyRejected(ValueError):
    """A request body a sandbox refuses to parse; ``message`` goes into the provider's 400 envelope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_json(request: Request, empty: str = "null", *, invalid: str = "The request body is not valid JSON") -> Any:
    """The request's JSON body (``empty`` when there is none), within a size and a nesting limit.

    :raises BodyRejected: too large, nested too deeply, or not JSON (``invalid``) — never a 5xx.
    """
    if (request.content_length or 0) > MAX_BODY:
        raise BodyRejected(f"The request body is larger than {MAX_BODY} bytes")
    text = request.get_data(as_text=True) or empty
    if len(text) > MAX_BODY:
        raise BodyRejected(f"The request body is larger than {MAX_BODY} bytes")
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise BodyRejected(f"The request body is nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BodyRejected(invalid) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python accepts them, JSON does not


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None, *, media_type: str = "application/json"
) -> Response:
    """A JSON response with a compact, stable rendering (``media_type`` e.g. ``application/problem+json``)."""
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        headers=headers,
        content_type=f"{media_type}; charset=utf-8",
    )


FAULTS = ("none", "503-once", "slow", "reset", "bad-json")
#: Settings every sandbox has: faults injected on its token or login endpoints (``TOKEN_PATHS``).
COMMON_SETTINGS = (
    Setting("fault", str, "none", "token/login endpoint fault: " + ", ".join(FAULTS)),
    Setting("fault_delay", float, 10.0, "seconds the 'slow' fault waits before answering", 0, 600),
)


class Emulator:
    """Base of the provider emulators; subclasses set SURFACE and SETTINGS and implement dispatch.

    Its name, facts, endpoint map and route table are read from ``SURFACE`` when the class is made; each
    endpoint that names a handler must name a method of the class (ConfigError otherwise).
    """

    #: its routes, schemes and answers (its provider's ``surface.SURFACE``): GET / lists them, GET /openapi.json
    #: renders them, :attr:`ROUTES` dispatches to their handlers
    SURFACE: ClassVar[Surface]
    SETTINGS: ClassVar[tuple[Setting, ...]] = ()
    #: credential keys it takes beyond those of its demo credentials
    CREDENTIAL_KEYS: ClassVar[tuple[str, ...]] = ()
    TOKEN_PATHS: ClassVar[tuple[str, ...]] = ()  # where the fault settings apply
    #: the key of :meth:`counts` that grows by one with each token fetch (empty: it issues no token)
    FETCH_COUNT: ClassVar[str] = ""
    #: paths match in any case (ASP.NET Core's routing)
    IGNORE_CASE: ClassVar[bool] = False
    NAME: ClassVar[str] = ""  # SURFACE.name
    FACTS: ClassVar[Registry]  # SURFACE.facts: what each route rests on
    ENDPOINTS: ClassVar[tuple[Endpoint, ...]] = ()  # what GET / lists: SURFACE.endpoints
    ROUTES: ClassVar[Routes]  # SURFACE's endpoints that name a handler
    #: path parameters naming the demo data it holds (the demo channel, workspace, customer): what a fuzzer pins;
    #: SURFACE.path_examples, which its OpenAPI document shows
    DEMO_PATH: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        surface = cls.__dict__.get("SURFACE")
        if surface is None:
            return
        cls.NAME, cls.FACTS, cls.ENDPOINTS = surface.name, surface.facts, surface.endpoints
        cls.ROUTES = Routes(surface.endpoints, ignore_case=cls.IGNORE_CASE)
        cls.DEMO_PATH = dict(surface.path_examples)
        own = {name for name in cls.ROUTES.handlers() if "." not in name}  # a dotted one is a part's, made in __init__
        missing = sorted(name for name in own if not callable(getattr(cls, name, None)))
        if missing:
            raise ConfigError(f"the {surface.name} emulator has no handler {', '.join(missing)} its surface names")

    def handler(self, endpoint: Endpoint) -> Any:
        """The method that answers ``endpoint`` (``api.clients``: a method of the emulator's part ``api``)."""
        try:
            found = operator.attrgetter(endpoint.handler)(self)
        except AttributeError:
            found = None
        if not callable(found):
            raise ConfigError(f"the {self.NAME} emulator has no handler {endpoint.handler}")
        return found

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
        self.ahead = 0.0  # seconds its clock was moved on (Control.advance): expiry without waiting
        #: what it was sent, newest last: method, path, query names, header names, status (never a value)
        self.seen: deque[dict[str, Any]] = deque(maxlen=SEEN)

    def now(self) -> float:
        """The sandbox's clock: the time, plus what :meth:`advance` moved it on by."""
        return time.time() + self.ahead

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock on by ``seconds``: its tokens expire, its keys rotate as that time passed."""
        self.ahead += seconds

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

    def describe(self) -> dict[str, Any]:
        """The endpoint map ``GET /`` answers: routes, the credential layer each needs, credential field names."""
        return {
            "provider": self.NAME,
            "endpoints": [self._endpoint(e) for e in self.ENDPOINTS],
            "token or login paths": list(self.TOKEN_PATHS),
            "demo credential fields": sorted(self.credentials),
            "settings": {name: value for name, value in self.settings.items() if name not in ("fault_delay",)},
        }

    def _endpoint(self, endpoint: Endpoint) -> dict[str, str]:
        """One route of the map, with where it comes from (its fact's label), never the fact id."""
        shown = {"method": endpoint.method, "path": endpoint.path, "needs": endpoint.needs, "note": endpoint.note}
        return {**shown, "source": self.FACTS.cite(endpoint.fact) if endpoint.fact else ""}

    def cli_extras(self) -> dict[str, Any]:
        """Top-level fields the CLI adds to this sandbox's JSON line (e.g. a public key)."""
        return {}

    def saw(self, request: Request, status: int) -> None:
        """Remember what ``request`` was: its method, path, the names of its query parameters and headers, the
        status it got; never a value (a credential is not kept)."""
        headers = sorted({name.lower() for name in request.headers.keys()} - _TRANSPORT)
        entry = {"method": request.method, "path": request.path, "query": sorted(request.args), "headers": headers}
        self.seen.append({**entry, "status": status})

    def server_error(self) -> Response:
        """The answer when a handler crashed (the crash is collected by the runner)."""
        return json_response({"error": "sandbox handler failed; see Sandbox.check()"}, 500)
