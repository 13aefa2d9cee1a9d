"""Load: 8 concurrent clients x 500 authenticated calls against each sandbox, with no error.

Throughput is measured by ``make bench``, not asserted here (no timed assertions in tests).
"""

import pytest
from load import load

import kit
from kit.providers import REGISTERED


@pytest.mark.parametrize("provider", REGISTERED)
def test_eight_clients_five_hundred_calls_no_errors(provider: str) -> None:
    with kit.connect(provider, environ={}) as target:
        result = load(target, clients=8, calls=500)
        assert result["errors"] == 0
        assert target.sandbox is not None and not target.sandbox.errors
