"""Whose recording it is: a replay against one provider of a recording made against another says so, and sends
nothing (before, every step came back 404 and read as "what changed").

The recording's business paths are looked up in each provider's API surface (the routes its sandbox serves, the
paths of its OpenAPI document): when none is the target's and at least half are one other provider's, the recording
is that provider's. A path no surface knows is no evidence either way (a live API has more than kit's surface).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from kit.har.recorded import Recorded
from kit.target import Target

__all__ = ["owner_elsewhere"]


def _known(name: str, paths: list[str]) -> int:
    """How many of ``paths`` provider ``name``'s surface serves."""
    from kit.providers import provider

    routes = provider(name).emulator_class().ROUTES
    return sum(1 for path in paths if routes.at(path))


def owner_elsewhere(steps: list[Recorded], target: Target) -> str | None:
    """None when the recording may be the target's; else what to say: whose paths they are, and what to run."""
    from kit.providers import names

    paths = [urlsplit(step.url).path or "/" for step in steps if step.kind != "auth" and not step.follows]
    mine = target.provider.name
    if not paths or _known(mine, paths):
        return None
    count, other = max(((_known(name, paths), name) for name in names() if name != mine), default=(0, ""))
    if count * 2 < len(paths):
        return None
    return (
        f"the recording's paths are {other}'s ({count} of {len(paths)} steps), none is {mine}'s: replay it against "
        f"{other} (kit replay FILE.har {other})"
    )
