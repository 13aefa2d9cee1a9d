"""Probe tables say where each answer comes from, and a live target gets only the cases it can."""

import re

import pytest

import kit
from kit.providers import names

SOURCE = re.compile(r"^(documented|inferred|kit's choice|observed): \S")


@pytest.mark.parametrize("name", names())
def test_every_failure_mode_row_names_its_source(name: str) -> None:
    with kit.connect(name, environ={}) as target:
        table = kit.failure_modes(target)
    assert list(table.columns)[-1] == "source" and len(table) >= 5
    assert all(SOURCE.match(source) for source in table["source"]), table["source"].tolist()
    facts = target.provider.registry()
    for source in table["source"]:
        assert facts.resolve(source)  # every part is a registered fact's label (ConfigError otherwise)
    assert target.sandbox is not None and not target.sandbox.errors


def test_a_case_without_a_source_is_a_bug_not_a_gap() -> None:
    from kit.probes import numbered

    with pytest.raises(KeyError, match="probe cases without a source: new case"):
        numbered([{"case": "new case", "status": 401}], {})
