"""Local emulators of each provider's auth surface, served over real sockets.

``kit.sandbox.start(name)`` runs one in this process; ``python -m kit.sandbox serve NAME`` serves
it for curl and other clients. Which sandboxes exist comes from the provider registry.
"""

from __future__ import annotations

from kit.sandbox.control import Control
from kit.sandbox.runner import Sandbox, emulator_class, names, start

__all__ = ["Control", "Sandbox", "emulator_class", "names", "start"]
