"""Provenance as data: every source a user sees is a registered fact, every documented fact is cited.

Each provider's sandbox runs on a real socket; the tables are the ones the notebooks show
(failure modes, kit.refused rows, the endpoint map, claims, kit.facts). A source that is not the
label of a registered fact makes ``Registry.resolve`` raise, so these tests fail on any label
typed by hand.
"""

from __future__ import annotations

import pytest
import requests

import kit
from kit.errors import ApiError, ConfigError
from kit.provenance import HTTP, KINDS, Fact, Registry
from kit.providers import REGISTERED, names, provider, registry
from kit.refusals import refused_by


@pytest.mark.parametrize("name", REGISTERED)
def test_each_of_kits_own_stories_rests_on_at_least_twenty_facts(name: str) -> None:
    assert len(registry(name).all()) >= 20


@pytest.mark.parametrize("name", names())
def test_every_documented_fact_cites_its_page_and_every_fact_has_a_source(name: str) -> None:
    facts = registry(name)
    assert len(facts.all()) > len(HTTP.all())  # facts of its own beyond HTTP's
    for fact in facts.all():
        assert fact.kind in KINDS and fact.statement and fact.source
        if fact.kind == "documented":
            assert fact.url.startswith("https://") and fact.source, fact.id
    table = kit.facts(name)
    assert list(table.columns) == ["statement", "source", "from", "citation"]
    assert set(table["source"]) <= set(KINDS) and len(table) == len(facts.all()) - len(HTTP.all())


def test_a_documented_fact_without_a_citation_cannot_be_registered() -> None:
    with pytest.raises(ConfigError, match="cites its page"):
        Fact("x", "a statement", "documented", "somewhere")
    with pytest.raises(ConfigError, match="not one of"):
        Fact("x", "a statement", "confirmed", "somewhere")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="registered twice"):
        Registry("x", [Fact("a", "s", "inferred", "y"), Fact("a", "s", "inferred", "z")])


def test_a_label_typed_by_hand_does_not_resolve() -> None:
    facts = registry("pliance")
    labels = [f.label for f in facts.resolve(facts.cite("issuer", "audience"))]
    assert labels == [facts["issuer"].label, facts["audience"].label]
    with pytest.raises(ConfigError, match="not the label of a registered fact"):
        facts.resolve("documented: HTTP 403 (RFC 9110)")


@pytest.mark.parametrize("name", names())
def test_every_route_a_sandbox_serves_has_a_fact_and_the_map_shows_its_source(name: str) -> None:
    facts = registry(name)
    with kit.connect(name, environ={}) as target:
        assert target.sandbox is not None
        described = requests.get(target.sandbox.url, timeout=10).json()
    emulator = provider(name).emulator_class()
    assert all(e.fact in facts for e in emulator.ENDPOINTS), [e.path for e in emulator.ENDPOINTS if e.fact not in facts]
    for endpoint in described["endpoints"]:
        assert "fact" not in endpoint and facts.resolve(endpoint["source"])


@pytest.mark.parametrize("name", [n for n in names() if hasattr(provider(n).probe_module(), "CODE_COLUMN")])
def test_every_error_code_a_sandbox_answers_in_the_probes_has_a_fact(name: str) -> None:
    """Each probes module whose table has a column of the provider's error codes names it (``CODE_COLUMN``);
    Pliance's codes are in its challenge header (the next test)."""
    facts = registry(name)
    with kit.connect(name, environ={}) as target:
        table = kit.failure_modes(target)
    column = provider(name).probe_module().CODE_COLUMN
    for _, row in table.iterrows():
        if int(row["status"]) >= 400:
            assert facts.answered(int(row["status"]), str(row[column])), (row["case"], row["status"], row[column])


def test_every_pliance_answer_in_the_probes_has_a_fact() -> None:
    facts = registry("pliance")
    with kit.connect("pliance", environ={}) as target:
        table = kit.failure_modes(target)
    for _, row in table.iterrows():
        code = "invalid_token" if "invalid_token" in row["www_authenticate"] else "Error"
        assert facts.answered(int(row["status"]), code), row["case"]


def test_refused_never_calls_a_status_meaning_documented() -> None:
    error = ApiError(403, "nope", "no", provider="")
    layer, source = refused_by(error)
    assert source == "inferred: RFC 9110 meaning of 403" and HTTP.resolve(source)
    assert refused_by(ApiError(418, None, "teapot"))[1] == "observed: no meaning known for this status"


@pytest.mark.parametrize(
    "name, method, path, change",
    [
        ("pliance", "GET", "api/Ping", {"secret": "w" * 40}),
        ("signicat", "GET", "auth/rest/sessions/nope", {}),
        ("synerise", "GET", "sauth/my-account/personal-information", {}),
        ("signzy", "GET", "api/channels/someone-else", {}),
        ("saltedge", "GET", "login", {"customer_secret": "x" * 32}),
    ],
)
def test_every_refused_row_cites_registered_facts(name: str, method: str, path: str, change: dict[str, str]) -> None:
    with kit.connect(name, environ={}) as target:
        credentials = target.credentials.replace(**change) if change else target.credentials
        row = kit.refused(target.session(credentials), method, path).iloc[0]
    assert row["refused by"] != "nothing"
    assert registry(name).resolve(row["source"])
    assert not row["source"].startswith("documented: HTTP")


@pytest.mark.parametrize("name", ["pliance", "signicat", "synerise"])
def test_claims_meanings_cite_registered_facts(name: str) -> None:
    with kit.connect(name, environ={}) as target:
        s = target.session()
        token = s.auth.mint() if name == "pliance" else s.require_token().access_token  # type: ignore[union-attr]
    table = kit.claims(token, provider=name)
    cited = [source for source in table["source"] if source]
    assert cited  # the provider's own claims say where their meaning comes from
    for source in cited:
        assert registry(name).resolve(source)


def test_every_saltedge_error_class_the_sandbox_can_answer_has_a_fact() -> None:
    from kit.providers.saltedge.sandbox.errors import STATUS_OF

    facts = registry("saltedge")
    assert [c for c, status in STATUS_OF.items() if not facts.answered(status, c)] == []


def test_every_spring_status_the_synerise_sandbox_can_answer_has_a_fact() -> None:
    from kit.providers.synerise.spring import REASONS

    facts = registry("synerise")
    assert [s for s, reason in REASONS.items() if not facts.answered(s, reason)] == []
