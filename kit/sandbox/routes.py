"""An emulator's routes, read from its surface: a route is declared once, as its :class:`~kit.surface.Endpoint`.

Each endpoint an emulator answers names its handler (``Endpoint.handler``, a method of the emulator); the
route table is built from the surface, so the paths a sandbox serves, the endpoint map it lists at ``GET /``
and the OpenAPI document it renders are one list. A ``{name}`` segment of a path matches one segment of a
request's path and is handed to the handler by name. The emulator keeps what is its framework's: which answer
an unknown path or method gets, and whether paths match in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kit.errors import ConfigError
from kit.surface import Endpoint

__all__ = ["Found", "Routes"]

_SEGMENT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Found:
    """What a path matched: the endpoint there for each method, and the values of its ``{name}`` segments."""

    methods: dict[str, Endpoint] = field(default_factory=dict)
    #: method -> the values of the ``{name}`` segments of the path that method's endpoint matched
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.methods)

    def params(self, method: str) -> dict[str, str]:
        """The ``{name}`` values of ``method``'s endpoint at this path ({} when there is none)."""
        return dict(self.values.get(method, {}))


class Routes:
    """The routes of the endpoints that name a handler, matched against a request's path.

    :param ignore_case: paths match in any case (ASP.NET Core's routing); the params keep the request's case.
    :raises ConfigError: one method and path declared twice.
    """

    def __init__(self, endpoints: Iterable[Endpoint], *, ignore_case: bool = False) -> None:
        flags = re.IGNORECASE if ignore_case else 0
        self._paths: dict[str, tuple[re.Pattern[str], dict[str, Endpoint]]] = {}
        for endpoint in endpoints:
            if not endpoint.handler:
                continue
            path = endpoint.path.strip("/")
            key = path.lower() if ignore_case else path
            if key not in self._paths:
                parts = _SEGMENT.split(path)  # literal, name, literal, name, …
                regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
                self._paths[key] = (re.compile(regex, flags), {})
            methods = self._paths[key][1]
            if endpoint.method in methods:
                raise ConfigError(f"{endpoint.method} {endpoint.path} is declared twice")
            methods[endpoint.method] = endpoint

    def at(self, path: str) -> Found:
        """The endpoints at ``path`` (leading and trailing slashes ignored), for each method the one of the
        most literal path that matches (``channels/login`` over ``channels/{id}``, as routers order them)."""
        wanted = path.strip("/")
        found = Found()
        for pattern, methods in sorted(self._paths.values(), key=lambda entry: entry[0].pattern.count("(?P<")):
            match = pattern.fullmatch(wanted)
            if match is None:
                continue
            for method, endpoint in methods.items():
                if method not in found.methods:
                    found.methods[method] = endpoint
                    found.values[method] = match.groupdict()
        return found

    def handlers(self) -> set[str]:
        """The names of the handlers its endpoints name."""
        return {e.handler for _, methods in self._paths.values() for e in methods.values()}
