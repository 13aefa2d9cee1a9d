"""Leak canaries: planted secrets appear in no output, journal, HAR, curl line, repr, error or log.

The canaries are random, at least 32 bytes, and planted where a user's secrets go: the Pliance
secret (in the sandbox and in the client) and the webhook secret. Every sink is then read back
as text and searched for each canary and for any JWT (``eyJ...``). The notebooks themselves run
with canaries in ``test_notebook_runs.py``, twice over (Run All, then again from the form).
"""

import io
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from canaries import LOGGERS, assert_clean, canary, demo_secrets
from canaries import planted as plant

import kit
from kit.auth.bearer import CachedBearerAuth
from kit.providers import pliance, signicat
from kit.providers import provider as spec_of
from kit.sandbox import start

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    saved = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield stream
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(saved[name])


def test_no_sink_shows_a_planted_secret(tmp_path: Path, debug_log: io.StringIO) -> None:
    secret, hook_secret = canary("pliance"), canary("webhook")
    sinks: list[str] = []
    with (
        warnings.catch_warnings(record=True) as caught,
        start("pliance", tls=True, multitenancy=True, credentials={"secret": secret}) as remote,
    ):
        warnings.simplefilter("always")
        assert remote.ca_bundle is not None
        env = {
            "PLIANCE_URL": remote.url,
            "PLIANCE_CA_BUNDLE": remote.ca_bundle,
            **{f"PLIANCE_{k.upper()}": v for k, v in remote.credentials.items()},
        }
        target = kit.connect("pliance", environ=env)
        form = kit.credentials_form(target)
        form.fields["secret"].value = secret
        creds = form.submit()
        assert isinstance(creds, pliance.Credentials)  # the form's type, for the checker too
        session = target.session()
        session.call("GET", "api/Ping", step="ping")
        with kit.WebhookReceiver(remote.ca, secret=hook_secret, secret_header="X-PLIANCE-SECRET") as hook:
            session.call("PUT", "api/WebhookCommand", json={"url": hook.url, "secret": hook_secret, "enabled": True})
            answer = session.call("GET", "api/WebhookQuery")
            assert answer["data"]["secret"] == hook_secret  # the raw answer carries it: show it redacted
            sinks.append(repr(kit.redact(answer)))
            session.call("POST", "api/WebhookQuery/Poke", json={"type": "PersonSanctionMatched"})
            sinks += [hook.table().to_string(), hook.table().to_html(), repr(hook), repr(hook.deliveries)]
        for bad in (creds.replace(tenant="other"), creds.replace(tenant=None), creds.replace(secret=canary("wrong"))):
            try:
                target.session(bad).call("GET", "api/PersonQuery", params={"personReferenceId": secret})
            except kit.KitError as exc:
                sinks += [str(exc), repr(exc), repr(exc.args), repr(getattr(exc, "body", None))]
            else:
                pytest.fail("the bad request was accepted")
        token = pliance.mint_token(creds)
        table = kit.journal(session)
        sinks += [table.to_string(), table.to_html(), repr(session.journal.entries)]
        sinks.append(kit.to_har(session, tmp_path / "s.har").read_text())
        sinks += [kit.to_curl(entry) for entry in session.journal.entries]
        sinks += [
            repr(target),
            target._repr_html_(),
            repr(creds),
            str(creds),
            repr(session),
            repr(session.auth),
            repr(form),
            form._repr_mimebundle_()["text/plain"],
            str(form.widget.get_state()),
            kit.claims(token, creds.secret).to_string(),
            kit.failure_modes(target).to_string(),
        ]
        target.close()
    sinks += [str(w.message) for w in caught]
    sinks.append(debug_log.getvalue())
    assert '"GET /api/Ping HTTP/1.1" 200' in debug_log.getvalue()  # urllib3's request lines were captured
    for text in sinks:
        assert_clean(text, secret, hook_secret)


def test_signicat_sinks_show_no_planted_secret(tmp_path: Path, debug_log: io.StringIO) -> None:
    secret = canary("signicat")
    sinks: list[str] = []
    with start("signicat", credentials={"client_secret": secret}) as box:
        creds = signicat.Credentials.of(**box.credentials)
        session = signicat.session(creds, box.url)
        created = session.call("POST", "auth/rest/sessions", json={"externalReference": secret}, step="create")
        box.control.rotate_key(keep_previous=False)
        session.call("GET", f"auth/rest/sessions/{created['id']}", step="after rotation")  # 401, renew, retry
        for method in ("client_secret_basic", "client_secret_post"):
            sinks.append(signicat.token_request_table(creds, box.url, method).to_string())
        wrong = signicat.session(creds.replace(client_secret=canary("wrong")), box.url)
        try:
            wrong.call("GET", "auth/rest/sessions/x")
        except kit.AuthError as exc:
            sinks += [str(exc), repr(exc), repr(exc.body)]
        token = session.require_token()
        sinks += [
            signicat.token_table(token).to_string(),
            signicat.verify_token(session, token).to_string(),
            repr(token),
            repr(session.auth),
            repr(session.auth_as(CachedBearerAuth).cache),
            kit.cache_stats(session).to_string(),
        ]
        for s in (session, wrong):
            sinks += [kit.journal(s).to_string(), kit.journal(s).to_html(), repr(s.journal.entries)]
            sinks.append(kit.to_har(s, tmp_path / "s.har").read_text())
            sinks += [kit.to_curl(entry) for entry in s.journal.entries]
    sinks.append(debug_log.getvalue())
    assert "connect/token" in debug_log.getvalue()
    for text in sinks:
        assert_clean(text, secret)


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb")))
def test_stored_notebooks_hold_no_secret_token_or_widget_state(name: str) -> None:
    import importlib

    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False)
    demo = [importlib.import_module(m).DEMO[k] for m, keys in demo_secrets().items() for k in keys]
    assert len(demo) >= 2
    assert_clean(outputs, *demo)
    assert "widgets" not in notebook.metadata
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("provider", ["synerise", "signzy", "saltedge"])
def test_other_providers_sinks_show_no_planted_secret(provider: str, tmp_path: Path, debug_log: io.StringIO) -> None:
    import importlib

    from load import load

    module = importlib.import_module(spec_of(provider).emulator_module)
    planted = plant(module.DEMO)
    sinks: list[str] = []
    with warnings.catch_warnings(record=True) as caught, start(provider, credentials=planted) as box:
        warnings.simplefilter("always")
        env = {
            f"{provider.upper()}_URL": box.url,
            **{f"{provider.upper()}_{k.upper()}": v for k, v in box.credentials.items()},
        }
        with kit.connect(provider, environ=env) as target:
            failures = kit.failure_modes(target)
            sinks += [
                failures.to_string(),
                failures.to_html(),
                repr(target),
                target._repr_html_(),
                repr(target.credentials),
            ]
            assert load(target, clients=2, calls=5)["errors"] == 0
            s = target.session()
            s.call(
                *{
                    "synerise": ("GET", "v4/business-profile"),
                    "signzy": ("GET", "api/channels/ch-1"),
                    "saltedge": ("GET", "countries"),
                }[provider]
            )
            sinks += [
                kit.journal(s).to_string(),
                kit.journal(s).to_html(),
                repr(s.journal.entries),
                repr(s),
                repr(s.auth),
                kit.to_har(s, tmp_path / "s.har").read_text(),
            ]
            sinks += [kit.to_curl(entry) for entry in s.journal.entries]
            bad = target.credentials.replace(**{k: canary("wrong") for k in planted if k != "private_key_pem"})
            try:
                target.session(bad).call("GET", "api/channels/ch-1" if provider == "signzy" else "countries")
            except kit.KitError as exc:
                sinks += [str(exc), repr(exc), repr(getattr(exc, "body", None))]
            s.close()
    sinks += [str(w.message) for w in caught]
    sinks.append(debug_log.getvalue())
    assert "urllib3" in debug_log.getvalue() or "HTTP/1.1" in debug_log.getvalue()
    for text in sinks:
        assert_clean(text, *planted.values())


# -- every exception a session method can raise: message and traceback text -------------------------

EXCEPTION_VARIANTS = [  # (provider, env overrides, session options, a business path)
    ("pliance", {}, {}, "api/Ping"),
    ("signicat", {"auth_method": "client_secret_basic"}, {}, "auth/rest/sessions/x"),
    ("signicat", {"auth_method": "client_secret_post"}, {}, "auth/rest/sessions/x"),
    ("synerise", {}, {"consumer": "client"}, "sauth/my-account/personal-information"),
    ("signzy", {}, {"transport": "header"}, "api/channels/ch-1"),
    ("signzy", {}, {"transport": "query"}, "api/channels/ch-1"),
    ("saltedge", {}, {}, "countries"),
]


def _texts(exc: BaseException) -> list[str]:
    import traceback

    return [str(exc), repr(exc), "".join(traceback.format_exception(exc)), repr(exc.args)]


@pytest.mark.parametrize("provider, env, options, path", EXCEPTION_VARIANTS)
def test_no_exception_out_of_a_session_shows_a_secret(
    provider: str, env: dict[str, str], options: dict[str, Any], path: str
) -> None:
    import importlib

    import requests

    module = importlib.import_module(spec_of(provider).emulator_module)
    planted = plant(module.DEMO)
    raised: list[BaseException] = []

    def collect(action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except Exception as exc:  # every one must be a KitError; checked below
            raised.append(exc)
        else:
            pytest.fail("expected an exception")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = start(provider, credentials=planted)
        values = {f"{provider.upper()}_URL": box.url}
        values.update({f"{provider.upper()}_{k.upper()}": v for k, v in {**box.credentials, **env}.items()})
        target = kit.connect(provider, environ=values)
        s = target.session(**options)
        answer = s.get(path)  # logs in or fetches a token on the way; 4xx is fine here
        token = s.token()
        secrets_ = [*planted.values(), *([token.access_token.reveal()] if token is not None else [])]
        missing = s.get(path.rsplit("/", 1)[0] + "/no-such-thing")
        collect(missing.raise_for_status)  # the provider's typed error, not requests' HTTPError with the URL
        collect(lambda: s.get(path, headers={"X-Echo": secrets_[0] + "\n"}))  # http refuses the value
        collect(lambda: s.get(f"http://localhost:9/{secrets_[-1]}?access_token={secrets_[-1]}"))  # other origin
        box.stop()  # from here on the provider is unreachable
        prepared = s.prepare_request(requests.Request("GET", s.url_for(path)))
        for action in (
            lambda: s.get(path),
            lambda: s.post(path, json={"k": secrets_[0]}),
            lambda: s.request("GET", path),
            lambda: s.call("GET", path),
            lambda: s.send(prepared),
            lambda: target.session(**options).call("GET", path),  # the token request itself fails
        ):
            collect(action)
    assert answer.status_code < 500
    assert len(raised) == 9
    for exc in raised:
        assert isinstance(exc, kit.KitError), repr(exc)
        for text in _texts(exc):
            assert_clean(text, *secrets_)
    transport = [e for e in raised if isinstance(e, kit.TransportError)]
    assert len(transport) == 6
    assert all(f"{provider.upper()}_URL" in str(e) and "Connection refused" in str(e) for e in transport)
    assert any(str(e).startswith(f"{provider}: GET {box.url}") for e in transport)
