"""A route is declared once: each sandbox answers from its surface's endpoints (kit.sandbox.routes)."""

from __future__ import annotations

import pytest
import requests

import kit
from kit.providers import names, provider
from kit.sandbox.routes import Routes
from kit.surface import Endpoint


def endpoint(method: str, path: str, handler: str = "h") -> Endpoint:
    return Endpoint(method, path, "none", handler=handler)


def test_a_literal_path_wins_over_a_template_method_by_method() -> None:
    routes = Routes([endpoint("POST", "api/channels/login", "login"), endpoint("GET", "api/channels/{id}", "find")])
    found = routes.at("/api/channels/login/")
    assert {m: e.handler for m, e in found.methods.items()} == {"POST": "login", "GET": "find"}
    assert found.params("GET") == {"id": "login"} and found.params("POST") == {}
    assert routes.at("api/channels/ch-1").params("GET") == {"id": "ch-1"}
    assert not routes.at("api/channels/ch-1/more") and not routes.at("api/channels")


def test_a_template_segment_matches_one_segment_and_case_matters_unless_ignored() -> None:
    exact = Routes([endpoint("GET", "api/Ping"), endpoint("DELETE", "a/{id}/b/{child}")])
    assert exact.at("a/1/b/2").params("DELETE") == {"id": "1", "child": "2"}
    assert not exact.at("api/ping") and exact.at("api/Ping")
    assert Routes([endpoint("GET", "api/Ping")], ignore_case=True).at("API/PING")


def test_an_endpoint_without_a_handler_is_not_routed_and_one_declared_twice_is_refused() -> None:
    assert not Routes([endpoint("OPTIONS", "api/*", handler="")]).at("api/*")
    with pytest.raises(kit.ConfigError, match="GET v1/me is declared twice"):
        Routes([endpoint("GET", "v1/me"), endpoint("GET", "v1/me")])


@pytest.mark.parametrize("name", names())
def test_every_endpoint_it_describes_is_answered_by_the_handler_its_surface_names(name: str) -> None:
    spec = provider(name)
    emulator = spec.emulator_class()({})  # a fresh emulator, not a running sandbox's
    described = [e for e in spec.surface().endpoints if e.described]
    assert described and all(e.handler for e in described), [e.path for e in described if not e.handler]
    assert all(callable(emulator.handler(e)) for e in described)


def test_an_emulator_whose_surface_names_a_missing_handler_is_refused_when_made() -> None:
    from kit.sandbox.base import Emulator

    surface = provider("pliance").surface()
    broken = type(surface)(**{**vars(surface), "endpoints": (endpoint("GET", "v1/x", "_nowhere"),)})
    with pytest.raises(kit.ConfigError, match="has no handler _nowhere"):
        type("Broken", (Emulator,), {"SURFACE": broken})


def test_a_path_the_surface_does_not_declare_is_the_frameworks_not_found() -> None:
    with kit.connect("synerise", environ={}) as target:
        assert target.sandbox is not None
        known = requests.delete(target.sandbox.url_for("v4/business-profile"), timeout=10)
        unknown = requests.get(target.sandbox.url_for("v4/nowhere"), timeout=10)
    assert (known.status_code, unknown.status_code) == (405, 404)  # Spring: a known path, another method
