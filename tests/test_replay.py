"""Replay: a recorded investigation re-run against a fresh or a changed sandbox, over real sockets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from canaries import taken

import kit
from kit.har.recorded import recorded
from kit.providers import names, provider


def record(name: str, tmp_path: Path, **settings: Any) -> Path:
    """A short investigation against a sandbox: the provider's business call twice, and one probe."""
    call = provider(name).business
    with kit.connect(name, environ={}, **settings) as target:
        s = target.session(**call.options)
        for _ in range(2):
            s.request(call.method, call.path_for(s), json=call.body)
        s.probe("GET", call.path_for(s), step="without credentials")
        path = kit.to_har(s, tmp_path / f"{name}.har")
        s.close()
    return path


@pytest.mark.parametrize("name", names())
def test_a_fresh_sandbox_answers_every_step_the_same(name: str, tmp_path: Path) -> None:
    har = record(name, tmp_path)
    with kit.connect(name, environ={}) as fresh:
        table = kit.replay(har, fresh, **provider(name).business.options)
        assert fresh.sandbox is not None and not fresh.sandbox.errors
    replayed = table[table["status now"] != ""]
    assert len(replayed) == 3 and replayed["same"].tolist() == [True, True, True]
    skipped = table[table["status now"] == ""]
    assert all(w.startswith("not replayed: the session redoes auth") for w in skipped["what changed"])
    assert list(table.columns) == [
        "step", "method", "path", "status then", "status now", "outcome then", "outcome now", "same", "what changed",
    ]  # fmt: skip
    assert set(replayed["outcome then"]) == set(replayed["outcome now"])


@pytest.mark.parametrize(
    "name, changed, options, then, now",
    [
        ("signicat", {"products": ""}, {}, 201, 403),  # the API product permission removed
        ("saltedge", {"status": "live"}, {}, 200, 400),  # the client went live: unsigned calls now refused
        ("synerise", {"user_permissions": ""}, {"consumer": "user"}, 200, 403),  # a user's permission removed
    ],
)
def test_a_changed_sandbox_shows_which_steps_differ(
    name: str, changed: dict[str, Any], options: dict[str, Any], then: int, now: int, tmp_path: Path
) -> None:
    creds = {"private_key_pem": None} if name == "saltedge" else {}
    call = provider(name).business
    with kit.connect(name, environ={}) as first:
        s = first.session(first.credentials.replace(**creds), **options)
        s.call(call.method, call.path_for(s), json=call.body, step="business")
        har = kit.to_har(s, tmp_path / "x.har")
    with kit.connect(name, environ={}, **changed) as target:
        target.credentials = target.credentials.replace(**creds)
        table = kit.replay(har, target, **options).set_index("step")
    assert (table.loc["business", "status then"], table.loc["business", "status now"]) == (then, now)
    assert not table.loc["business", "same"]
    details = kit.replay_change(table.reset_index(), int(table.index.get_loc("business")) + 1)
    assert {"changed", "added", "removed"} & set(details["change"])


def test_a_devtools_har_without_kits_fields_replays(tmp_path: Path) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJicm93c2VyIn0.c2lnbmF0dXJl"  # as a browser would have recorded it
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "Chromium", "version": "156"},
            "entries": [
                {
                    "startedDateTime": "2026-11-01T10:00:00.000Z",
                    "time": 12,
                    "request": {
                        "method": "GET",
                        "url": "https://customer.pliance.io/api/Ping",
                        "headers": [{"name": "Authorization", "value": f"Bearer {token}"}],
                    },
                    "response": {"status": 200, "content": {"text": '{"status":"Success"}'}},
                }
            ],
        }
    }
    path = tmp_path / "devtools.har"
    path.write_text(json.dumps(har))
    with kit.connect("pliance", environ={}) as target:
        table = kit.replay(path, target)
    assert (table.loc[1, "status then"], table.loc[1, "status now"], table.loc[1, "same"]) == (200, 200, True)
    assert "removed" in table.loc[1, "what changed"] or "added" in table.loc[1, "what changed"]
    assert token not in table.to_string()


def test_a_session_and_a_journal_table_replay_too(pliance_target: kit.Target) -> None:
    s = pliance_target.session()
    s.call("GET", "api/Ping", step="ping")
    by_session = kit.replay(s, pliance_target)
    by_table = kit.replay(kit.journal(s), pliance_target)
    assert by_session.loc[1, "same"] and by_table.loc[1, "same"]
    assert by_table.loc[1, "what changed"] in ("", "only a summary of the answer was recorded")


def test_masked_values_are_filled_only_from_non_secret_fields(tmp_path: Path) -> None:
    with kit.connect("signzy", environ={}) as target:
        s = target.session(logout_on_close=False)
        s.call("GET", "api/channels/ch-1")
        steps = recorded(s)
        assert steps[-1].kind == "business"
        body = {"username": "••••0123abcd", "note": "x"}
        secret_body = {"oldPassword": "••••0123abcd", "newPassword": "••••4567abcd"}
        har = {
            "log": {
                "entries": [
                    _entry("POST", target.base_url + "api/channels/ch-1/channels", body),
                    _entry("POST", target.base_url + "api/channels/change-password", secret_body),
                ]
            }
        }
        path = tmp_path / "masked.har"
        path.write_text(json.dumps(har))
        table = kit.replay(path, target, logout_on_close=False)
    assert table.loc[1, "status now"] != ""  # the username was filled in and the call sent
    assert table.loc[2, "what changed"].startswith("skipped: the body holds a masked oldPassword")
    assert table.loc[2, "status now"] == ""  # nothing sent


def _entry(method: str, url: str, body: dict[str, str]) -> dict[str, Any]:
    return {
        "startedDateTime": "2026-11-01T10:00:00.000Z",
        "time": 1,
        "request": {"method": method, "url": url, "headers": [], "postData": {"text": json.dumps(body)}},
        "response": {"status": 200, "content": {"text": "{}"}},
        "_kind": "business",
    }


def test_the_cli_exits_by_whether_a_status_changed(tmp_path: Path) -> None:
    same = record("signicat", tmp_path)
    run = [sys.executable, "-m", "kit", "replay"]
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("SIGNICAT_")}
    ok = subprocess.run([*run, str(same), "signicat"], capture_output=True, text=True, timeout=120, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "3 steps replayed, 0 with another status" in ok.stderr and "token (absent)" in ok.stdout
    assert max(len(line) for line in ok.stdout.splitlines()) <= 100, ok.stdout  # a 100-column terminal
    wide = subprocess.run([*run, str(same), "signicat", "--wide"], capture_output=True, text=True, timeout=120, env=env)
    assert "status then" in wide.stdout and "what changed" in wide.stdout  # the whole table, one line per step
    other = tmp_path / "other"
    other.mkdir()
    differs = record("signicat", other, products="")  # recorded when the product was not allowed: 403s
    changed = subprocess.run([*run, str(differs), "signicat"], capture_output=True, text=True, timeout=120, env=env)
    assert changed.returncode == 1 and "with another status" in changed.stderr
    missing = subprocess.run([*run, str(tmp_path / "nope.har"), "signicat"], capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "is not a readable HAR file" in missing.stderr


@pytest.mark.parametrize("name", names())
def test_no_secret_or_token_in_any_replay_output(name: str, tmp_path: Path) -> None:
    import importlib
    import re

    from kit.sandbox import start
    from kit.secrets import is_sensitive

    module = importlib.import_module(provider(name).emulator_module)
    planted = taken(
        {key: f"CANARY-{key}-{tmp_path.name[-8:]}-0123456789abcdef" for key in module.DEMO if is_sensitive(key)}
    )
    call = provider(name).business
    with start(name, credentials=planted) as box:
        env = {f"{name.upper()}_URL": box.url, **{f"{name.upper()}_{k.upper()}": v for k, v in box.credentials.items()}}
        with kit.connect(name, environ=env) as target:
            s = target.session(**call.options)
            s.request(call.method, call.path_for(s), json=call.body)
            token = s.token()
            har = kit.to_har(s, tmp_path / "x.har")
            table = kit.replay(har, target, allow_writes=True, **call.options)  # a sandbox reached as live
            texts = [table.to_string(), table.to_html(), har.read_text()]
            texts += [kit.replay_change(table, n).to_string() for n in table.index]
    secrets_ = [*planted.values(), *([token.access_token.reveal()] if token else [])]
    for text in texts:
        assert not any(value in text for value in secrets_)
        assert not re.search(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.", text)


def test_a_failure_answered_as_200_is_another_outcome_and_the_cli_exits_1(tmp_path: Path) -> None:
    """Pliance answers a failure as 200 with ``"success": false``: replay reads it with Pliance's own error
    parser, so a success recorded then and that failure now is not "the same", though both are 200."""
    person = {"personReferenceId": "p-1", "firstName": "Ada", "lastName": "Lovelace"}
    with kit.connect("pliance", environ={}) as target:
        target.session().call("PUT", "api/PersonCommand", json=person)  # registered outside the recording
        s = target.session()
        s.call("GET", "api/PersonQuery", params={"personReferenceId": "p-1"}, step="query p-1")
        har = kit.to_har(s, tmp_path / "pliance.har")
    with kit.connect("pliance", environ={}) as fresh:  # p-1 is not registered there
        table = kit.replay(har, fresh)
    row = table[table["step"] == "query p-1"].iloc[0]
    assert row["status then"] == 200 and row["status now"] == 200
    assert row["outcome then"] == "ok" and row["outcome now"] == "Error"
    assert not row["same"]
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PLIANCE_")}
    done = subprocess.run(
        [sys.executable, "-m", "kit", "replay", str(har), "pliance"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    assert "1 step replayed, 1 with another status or outcome" in done.stderr
    assert all(len(line) <= 100 for line in done.stdout.splitlines()), done.stdout


def test_an_id_an_earlier_answer_introduced_is_carried_to_the_steps_that_reuse_it(tmp_path: Path) -> None:
    """Signicat: create a session, read it back by the id the answer gave; replayed against the same sandbox, the
    creation makes another session, and the read asks for that one (not the recorded one, which the sandbox still
    holds and would answer as "same"); its row says which path of which step it carried."""
    with kit.connect("signicat", environ={}) as target:
        s = target.session()
        made = s.call("POST", "auth/rest/sessions", json={"flow": "redirect"}, step="create session")
        s.call("GET", f"auth/rest/sessions/{made['id']}", step="read session")
        har = kit.to_har(s, tmp_path / "signicat.har")
        seen = len(target.control.seen())
        table = kit.replay(har, target)
        asked = [r["path"] for r in target.control.seen()[seen:] if r["method"] == "GET"]
    created = table[table["step"] == "create session"].iloc[0]
    read = table[table["step"] == "read session"].iloc[0]
    assert "changed: $.id" in created["what changed"] and "carried" not in created["what changed"]
    assert read["status now"] == 200 and read["same"]
    assert read["what changed"].startswith("carried $.id of step 2")  # step 1 is the token fetch
    assert asked == ["/auth/rest/sessions/00000000-0000-0000-0000-000000000002"], asked


def test_a_recording_of_another_provider_says_whose_it_is_and_sends_nothing(tmp_path: Path) -> None:
    with kit.connect("signicat", environ={}) as target:
        s = target.session()
        s.call("POST", "auth/rest/sessions", json={"flow": "redirect"}, step="create session")
        har = kit.to_har(s, tmp_path / "signicat.har")
    with kit.connect("pliance", environ={}) as other:
        before = len(other.control.seen())
        with pytest.raises(kit.ConfigError, match="the recording's paths are signicat's .* none is pliance's"):
            kit.replay(har, other)
        assert len(other.control.seen()) == before  # nothing was sent
