"""Shared fixtures: real sandboxes on real sockets, stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import kit
from kit.sandbox import Sandbox, start


@pytest.fixture
def pliance_box() -> Iterator[Sandbox]:
    box = start("pliance")
    yield box
    box.stop()
    box.check()


@pytest.fixture
def pliance_target() -> Iterator[kit.Target]:
    target = kit.connect("pliance", environ={})
    yield target
    assert target.sandbox is not None
    target.close()
    target.sandbox.check()
