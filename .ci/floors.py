"""The runtime floors of a pyproject.toml as pins: each ``name>=X`` of ``[project].dependencies`` as ``name==X``
(extras dropped), one a line, for ``uv pip install --override`` (``make floors``)."""

from __future__ import annotations

import re
import sys
import tomllib


def floors(path: str) -> list[str]:
    with open(path, "rb") as source:
        dependencies = tomllib.load(source)["project"]["dependencies"]
    pins = []
    for spec in dependencies:
        found = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)\s*", spec)
        if found is None:
            raise SystemExit(f"floors: {spec!r} names no lower bound (name>=version)")
        pins.append(f"{found.group(1)}=={found.group(2)}")
    return pins


if __name__ == "__main__":
    print("\n".join(floors(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")))
