"""Load: 8 concurrent clients x 500 authenticated calls against each sandbox, with no error (CI;
100 calls per client in a workstation's ``make test``, see ``conftest.py``).

Throughput is measured by ``make bench``, not asserted here (no timed assertions in tests).
"""

import pytest
from load import LOAD_CALLS, load

import kit
from kit.providers import names


@pytest.mark.parametrize("provider", names())
def test_eight_clients_five_hundred_calls_no_errors(provider: str) -> None:
    with kit.connect(provider, environ={}) as target:
        result = load(target, clients=8, calls=LOAD_CALLS)
        assert result["errors"] == 0
        assert target.sandbox is not None and not target.sandbox.errors


def test_ci_runs_fuzz_and_load_at_full_strength() -> None:
    """The smaller workstation defaults never reach CI: there, 1,000 examples and 500 calls per client."""
    import os

    from hypothesis import settings

    if os.environ.get("CI"):
        assert settings.default is not None and settings.default.max_examples == 1000 and LOAD_CALLS == 500
    else:
        assert settings.default is not None and settings.default.max_examples >= 100 and LOAD_CALLS >= 100
