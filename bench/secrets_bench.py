"""What a Secret and redact() cost as the registry grows: 10 registered secrets against 10,000.

Each size runs in a fresh process (the registry is process-wide): it registers N token-like
secrets (``secrets.token_urlsafe(32)``, 43 characters, as an opaque access token), then measures
the mean cost of creating one more Secret (its registration included, over ``CREATE`` new ones)
and of ``redact()`` on a token answer of about 1 KB that holds one of them (over ``REDACT``
calls). Means, not medians: a cost paid now and then (a rebuild) must show.
"""

from __future__ import annotations

import json
import subprocess
import sys

SIZES = (10, 10_000)
CREATE, REDACT = 2_000, 2_000

_CHILD = """
import json, secrets, sys, time
from kit.secrets import Secret, redact
size, create, redact_n = (int(v) for v in sys.argv[1:4])
kept = [Secret(secrets.token_urlsafe(32)) for _ in range(size)]
fresh = [secrets.token_urlsafe(32) for _ in range(create)]
began = time.perf_counter()
made = [Secret(v) for v in fresh]
per_create = (time.perf_counter() - began) / create
body = json.dumps({"access_token": kept[size // 2].reveal(), "token_type": "Bearer", "expires_in": 600,
                   "scope": "signicat-api", "note": "x " * 400})
began = time.perf_counter()
for _ in range(redact_n):
    redact(body)
per_redact = (time.perf_counter() - began) / redact_n
assert kept[size // 2].reveal() not in redact(body)
print(json.dumps({"create": per_create, "redact": per_redact, "bytes": len(body)}))
"""


def _measure(size: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(size), str(CREATE), str(REDACT)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def run() -> list[str]:
    results = {size: _measure(size) for size in SIZES}
    floor = results[SIZES[0]]
    lines = []
    rows = (("Secret creation (registration included)", "create"), ("redact() of a ~1 KB token answer", "redact"))
    for what, key in rows:
        for size in SIZES:
            value = results[size][key]
            label = f"{size:,} registered" + (" (floor)" if size == SIZES[0] else "")
            lines.append(f"| {what} | {label} | {value * 1e6:.1f} µs | {value / floor[key]:.2f}x |")
    print("  secrets: done", file=sys.stderr, flush=True)
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
