"""The recipes: each provider's whole auth flow as plain code, run for real as a learner would run it.

Every recipe, Python and JavaScript, runs as a subprocess against its sandbox served over a socket; what the
server was sent (``Control.seen``) must be what a kit session sends for the same calls, in the same order,
with one token fetch for the three calls where there is a token, a valid signature on every Salt Edge request
to a client in ``live`` status, and a Pliance token minted for each request. Then against the real
implementations the conformance suite runs: the Signicat recipes against node oidc-provider (JWT and opaque
tokens), the Signzy ones against the LoopBack 3 app; the tokens the Pliance and Synerise recipes send verify
with npm ``jose``. The Node recipes skip without Node locally and fail in CI, as the conformance tests do.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from realservers import jose_verify, loopback_app, node, oidc_server
from werkzeug.wrappers import Request, Response

import kit
from kit.providers import REGISTERED, provider, registry
from kit.recipes import LANGUAGES, Recipe, recipe
from kit.serving import BackgroundServer

ROOT = Path(__file__).resolve().parent.parent
#: what a Python recipe may import: the standard library's modules below, requests, PyJWT, cryptography
PYTHON_ALLOWED = {"base64", "os", "sys", "time", "typing", "urllib", "requests", "jwt", "cryptography"}
MAX_CODE_LINES = 80  # lines of code in a recipe (comments, docstrings and blank lines not counted)
CASES = [(name, language) for name in REGISTERED for language in LANGUAGES]
#: sandbox settings under which a recipe must do everything right (a live Salt Edge client must sign)
STRICT: dict[str, dict[str, Any]] = {"saltedge": {"status": "live"}}


def ready(language: str) -> None:
    if language == "js":
        node()  # skips without Node 20 locally; fails in CI


def env_for(url: str, credentials: dict[str, str], name: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return {**kept, f"{name.upper()}_URL": url, **{f"{name.upper()}_{k.upper()}": v for k, v in credentials.items()}}


def run(found: Recipe, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(found.command(), env=env, capture_output=True, text=True, timeout=120)


def code_lines(found: Recipe) -> list[str]:
    """Its lines of code: no blank line, no comment, no docstring."""
    text = found.text
    if found.language == "python":
        tree = ast.parse(text)
        docs = {
            line
            for node_ in ast.walk(tree)
            if isinstance(node_, ast.Expr) and isinstance(getattr(node_, "value", None), ast.Constant)
            for line in range(node_.lineno, (node_.end_lineno or node_.lineno) + 1)
        }
        lines = [(i, s) for i, s in enumerate(text.splitlines(), 1) if i not in docs]
        return [s for _, s in lines if s.strip() and not s.strip().startswith("#")]
    return [s for s in text.splitlines() if s.strip() and not s.strip().startswith("//")]


# -- what a recipe is ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "language"), CASES)
def test_kit_recipe_prints_it_whole(name: str, language: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kit", "recipe", name, "--lang", language], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == recipe(name, language).text


@pytest.mark.parametrize(("name", "language"), CASES)
def test_it_imports_nothing_but_what_it_may_and_stays_short(name: str, language: str) -> None:
    found = recipe(name, language)
    if language == "python":
        imported = set()
        for node_ in ast.walk(ast.parse(found.text)):
            if isinstance(node_, ast.Import):
                imported |= {a.name.split(".")[0] for a in node_.names}
            elif isinstance(node_, ast.ImportFrom) and node_.module:
                imported.add(node_.module.split(".")[0])
        assert imported <= PYTHON_ALLOWED and "kit" not in imported, imported - PYTHON_ALLOWED
    else:
        sources = re.findall(r"""^import .*?from\s+["']([^"']+)["']""", found.text, re.MULTILINE)
        assert all(s.startswith("node:") for s in sources), sources
        assert "require(" not in found.text and "import(" not in found.text
    assert len(code_lines(found)) <= MAX_CODE_LINES


@pytest.mark.parametrize(("name", "language"), CASES)
def test_every_fact_it_cites_is_registered(name: str, language: str) -> None:
    text = recipe(name, language).text
    cited = set()
    for found in re.finditer(r"\b[Ff]acts? ([a-z0-9-]+(?: and [a-z0-9-]+)?)", text):
        cited |= set(found.group(1).split(" and "))
    assert len(cited) >= 3 and cited <= {fact.id for fact in registry(name).all()}, cited


def test_an_unknown_provider_or_language_is_refused() -> None:
    with pytest.raises(kit.ConfigError, match="unknown provider"):
        recipe("nope")
    with pytest.raises(kit.ConfigError, match="language"):
        recipe("pliance", "ruby")
    done = subprocess.run([sys.executable, "-m", "kit", "recipe", "nope"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "unknown provider" in done.stderr


# -- against its sandbox, served over a socket --------------------------------------------------------------


@pytest.mark.parametrize(("name", "language"), CASES)
def test_it_sends_what_a_kit_session_sends_against_its_sandbox(name: str, language: str) -> None:
    ready(language)
    found = recipe(name, language)
    with kit.connect(name, environ={}, **STRICT.get(name, {})) as target:
        token_paths = {path.strip("/") for path in target.provider.emulator_class().TOKEN_PATHS}
        side = found.beside(target)
        counts = target.control.counts()
    assert list(side["same"]) == ["yes"] * len(side), side.to_string()  # kit's requests, in kit's order
    printed = side.attrs["printed"].split()
    assert len(printed) == 3 and all(status.startswith("2") for status in printed), side.attrs["printed"]
    sent = [line.split(" ")[1].split("?")[0].strip("/") for line in side["recipe"]]
    assert all(line.split(" → ")[1].startswith("2") for line in side["recipe"]), side.to_string()
    assert sum(path in token_paths for path in sent) == (1 if token_paths else 0)  # one fetch for three calls
    if name == "pliance":  # a fresh token for every request, minted the second it is sent (kit's and the recipe's)
        assert counts["tokens_checked"] == 6 and counts["tokens_minted_earlier"] == 0


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_an_unsigned_salt_edge_recipe_fails_against_a_live_client(language: str) -> None:
    """The signature check bites: without the key, the live client refuses the recipe, which exits 1."""
    ready(language)
    found = recipe("saltedge", language)
    with kit.connect("saltedge", environ={}, status="live") as target:
        env = {k: v for k, v in found.environment(target).items() if k != "SALTEDGE_PRIVATE_KEY_PEM"}
        done = run(found, env)
        seen = target.control.seen()
    assert done.returncode == 1 and "salt edge refused: 4" in done.stdout
    assert [e["status"] // 100 for e in seen] == [4]  # it stopped at the first refusal


# -- against the real implementations -----------------------------------------------------------------------

SIGNICAT_CLIENT = {
    "client_id": "kit-recipe",
    "client_secret": "recipe secret + reserved/chars 0123456789abcdef",
    "token_endpoint_auth_method": "client_secret_basic",
}


@pytest.mark.conformance
@pytest.mark.parametrize("token_format", ["jwt", "opaque"])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_signicat_recipes_against_oidc_provider(token_format: str, language: str) -> None:
    node()
    found = recipe("signicat", language)
    extra = {"RESOURCE": "urn:kit:recipe"} if token_format == "jwt" else {}
    with oidc_server([SIGNICAT_CLIENT], token_format=token_format, ACCOUNT_ID="a-kit-recipe", **extra) as url:
        credentials = {"client_id": SIGNICAT_CLIENT["client_id"], "client_secret": SIGNICAT_CLIENT["client_secret"]}
        done = run(found, {**env_for(url, credentials, "signicat"), "SIGNICAT_ACCOUNT_ID": "a-kit-recipe"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.split()) == 3 and all(s.startswith("2") for s in done.stdout.split())


@pytest.mark.conformance
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_signzy_recipes_against_loopback(language: str) -> None:
    node()
    from kit.providers.signzy.sandbox import DEMO, SEED_EMAIL

    found = recipe("signzy", language)
    with loopback_app(DEMO["username"], DEMO["password"], SEED_EMAIL) as url:
        done = run(found, env_for(url, DEMO, "signzy"))
        after = requests.get(url + "api/channels/ch-1", timeout=10)  # anonymous: LoopBack's ACL
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["200", "200", "200"] and after.status_code == 401


class Recorder:
    """A reverse proxy in front of a sandbox that keeps the Authorization values it forwards (in this test's
    memory only: they are checked with jose here, never printed)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.tokens: list[str] = []
        self.server = BackgroundServer(self.app)
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        sent = request.headers.get("Authorization", "")
        if sent.startswith("Bearer "):
            self.tokens.append(sent.removeprefix("Bearer "))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        answer = requests.request(
            request.method, self.upstream + request.full_path.lstrip("/").rstrip("?"),
            headers=headers, data=request.get_data(), timeout=30,
        )  # fmt: skip
        kept = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "www-authenticate")}
        return Response(answer.content, answer.status_code, kept)(environ, start_response)


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Iterator[tuple[Recorder, kit.Target]]:
    with kit.connect(request.param, environ={}) as target:
        front = Recorder(target.base_url)
        with front.server:
            yield front, target


@pytest.mark.conformance
@pytest.mark.parametrize("recorder", ["pliance"], indirect=True)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_pliance_recipes_tokens_verify_with_jose(recorder: tuple[Recorder, kit.Target], language: str) -> None:
    node()
    front, target = recorder
    found = recipe("pliance", language)
    done = run(found, {**found.environment(target), "PLIANCE_URL": front.url})
    assert done.returncode == 0, done.stdout + done.stderr
    secret = target.sandbox.credentials["secret"] if target.sandbox else ""
    items = [
        {"token": t, "algorithms": ["HS256"], "secret": secret, "issuer": "kit-demo", "audience": "pliance.io"}
        for t in front.tokens
    ]
    results = jose_verify(items)
    assert len(results) == 3 and all(r["ok"] for r in results), results
    assert all(r["header"] == {"typ": "JWT", "alg": "HS256"} for r in results)
    assert all(r["payload"]["iat"] == r["payload"]["nbf"] == r["payload"]["exp"] - 300 for r in results)


@pytest.mark.conformance
@pytest.mark.parametrize("recorder", ["synerise"], indirect=True)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_tokens_the_synerise_recipes_send_verify_with_jose(
    recorder: tuple[Recorder, kit.Target], language: str
) -> None:
    node()
    front, target = recorder
    found = recipe("synerise", language)
    done = run(found, {**found.environment(target), "SYNERISE_URL": front.url})
    assert done.returncode == 0, done.stdout + done.stderr
    spki = target.control.public_key_pem()
    results = jose_verify([{"token": t, "algorithms": ["RS512"], "spki": spki} for t in front.tokens])
    assert len(results) == 3 and all(r["ok"] for r in results), results
    assert len({json.dumps(r["payload"], sort_keys=True) for r in results}) == 1  # one login for three calls


def test_a_live_target_cannot_be_shown_what_it_was_sent() -> None:
    with kit.connect("pliance", environ={}) as box:
        env = {"PLIANCE_URL": box.base_url, **{f"PLIANCE_{k.upper()}": v for k, v in box.sandbox.credentials.items()}}  # type: ignore[union-attr]
        live = kit.connect("pliance", environ=env)
        with pytest.raises(kit.SandboxError, match="pliance is live"):
            recipe("pliance").run(live)


def test_the_recipes_ship_beside_their_providers_code() -> None:
    for name in REGISTERED:
        folder = Path(str(__import__(provider(name).package, fromlist=["x"]).__file__)).parent
        assert {p.name for p in folder.glob("recipe.*")} == set(LANGUAGES.values())
