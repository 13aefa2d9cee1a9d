"""Local emulators of each provider's auth surface, served over real sockets.

``kit.sandbox.start(name)`` runs one in this process; ``python -m kit.sandbox serve NAME`` serves
it for curl and other clients. Which sandboxes exist comes from the provider registry: this package's face (``names``,
``emulator_class``, ``start``) looks a sandbox up by its provider's name there, when called, while
the emulators and the runner below it know no registry.
"""

from __future__ import annotations

from typing import Any

from kit.errors import ConfigError
from kit.sandbox.base import Emulator
from kit.sandbox.control import Control
from kit.sandbox.runner import Sandbox

__all__ = ["Control", "Sandbox", "emulator_class", "names", "start"]


def names() -> tuple[str, ...]:
    """The names of the registered providers, each with a sandbox."""
    from kit.providers import names as registered  # the registry sits above the sandboxes

    return registered()


def emulator_class(name: str) -> type[Emulator]:
    """The emulator class of provider ``name`` (from its registration); ConfigError for an unknown name."""
    from kit.providers import provider

    if name not in names():
        raise ConfigError(f"no sandbox named {name!r}; known: {', '.join(sorted(names()))}")
    return provider(name).emulator_class()


def start(
    name: str,
    *,
    tls: bool = False,
    mtls: bool = False,
    port: int = 0,
    credentials: dict[str, str] | None = None,
    **settings: Any,
) -> Sandbox:
    """Start the sandbox of provider ``name`` in this process and return it (running).

    :param tls: serve HTTPS with a fresh trustme CA (``.ca_bundle``).
    :param mtls: also ask for a client certificate (``.client_cert``); implies ``tls``.
    :param credentials: replace some or all of the demo credentials.
    :param settings: the emulator's settings (``python -m kit.sandbox --help`` lists them).
    :raises ConfigError: unknown provider or setting, or a bad value.
    """
    return Sandbox(emulator_class(name), tls=tls, mtls=mtls, port=port, credentials=credentials, settings=settings)
