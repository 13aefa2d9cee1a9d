"""Local emulators of each provider's auth surface, served over real sockets.

``kit.sandbox.start("pliance")`` runs one in this process; ``python -m kit.sandbox serve
pliance`` serves it for curl and other clients.
"""

from __future__ import annotations

from kit.sandbox.runner import EMULATORS, Sandbox, emulator_class, start

__all__ = ["EMULATORS", "Sandbox", "emulator_class", "start"]
