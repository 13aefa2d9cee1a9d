"""Credentials from a ``.env`` file: ``kit.connect(name, env_file=...)`` and the CLI's ``--env-file``.

The file names a real sandbox as a live provider (its URL and demo credentials), as a person's ``.env``
names the live API. Values are read with python-dotenv, validated as env vars are, shown by source
(``.env PLIANCE_SECRET``), never by value; an env var set in the shell wins, as with ``load_dotenv()``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import kit
from kit.environment import Environment
from kit.forms import credentials_form
from kit.sandbox import Sandbox, start

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def box() -> Iterator[Sandbox]:
    made = start("pliance")
    yield made
    made.stop()
    made.check()


def dotenv(folder: Path, values: dict[str, str], extra: str = "") -> Path:
    path = folder / ".env"
    path.write_text("# local secrets\n" + "".join(f'{k}="{v}"\n' for k, v in values.items()) + extra)
    return path


def pliance_values(box: Sandbox) -> dict[str, str]:
    return {"PLIANCE_URL": box.url, **{f"PLIANCE_{k.upper()}": v for k, v in box.credentials.items()}}


def test_connect_reads_the_providers_values_from_the_file_and_says_each_came_from_it(
    box: Sandbox, tmp_path: Path
) -> None:
    env_file = dotenv(tmp_path, pliance_values(box), extra="OTHER_SECRET=not-read\nSIGNICAT_CLIENT_ID=not-read\n")
    target = kit.connect("pliance", environ={}, env_file=env_file)
    assert target.mode == "live" and target.base_url == box.url
    assert target.sources["secret"] == ".env PLIANCE_SECRET" and target.sources["issuer"] == ".env PLIANCE_ISSUER"
    table = target.table()
    assert table.loc["base_url", "from"] == ".env PLIANCE_URL"
    assert table.loc["secret", "from"] == ".env PLIANCE_SECRET"
    assert target.session().call("GET", "api/Ping")["success"] is True
    assert "OTHER_SECRET" not in os.environ and "PLIANCE_SECRET" not in os.environ  # nothing enters os.environ


def test_an_env_var_set_in_the_shell_wins_over_the_file(box: Sandbox, tmp_path: Path) -> None:
    values = pliance_values(box)
    env_file = dotenv(tmp_path, {**values, "PLIANCE_SECRET": "a-secret-the-shell-overrides-0123456789abcdef"})
    target = kit.connect("pliance", environ={"PLIANCE_SECRET": values["PLIANCE_SECRET"]}, env_file=env_file)
    assert target.sources["secret"] == "env PLIANCE_SECRET" and target.sources["issuer"] == ".env PLIANCE_ISSUER"
    assert target.session().call("GET", "api/Ping")["success"] is True


def test_nothing_from_the_file_is_shown(box: Sandbox, tmp_path: Path) -> None:
    values = pliance_values(box)
    env_file = dotenv(tmp_path, values)
    target = kit.connect("pliance", environ={}, env_file=env_file)
    form = credentials_form(target)
    shown = " ".join(
        [
            target.table().to_string(),
            repr(target),
            repr(target.credentials),
            repr(form),
            repr(Environment({}, env_file=env_file, prefix="PLIANCE")),
            *(mark.value for mark in form.marks.values()),
            *(str(box_.placeholder) for box_ in form.fields.values()),
        ]
    )
    assert values["PLIANCE_SECRET"] not in shown
    assert ".env PLIANCE_SECRET" in shown  # the form says where the secret came from


@pytest.mark.parametrize(
    "line, said",
    [
        ('PLIANCE_SECRET="a-secret-with-a-trailing-space-0123456789 "', "leading or trailing whitespace"),
        ('PLIANCE_SECRET="a-secret-with-a-\\tcontrol-character-0123456789"', "holds a control character"),
    ],
)
def test_values_are_checked_as_env_vars_are_naming_the_file_not_the_value(
    box: Sandbox, tmp_path: Path, line: str, said: str
) -> None:
    values = {k: v for k, v in pliance_values(box).items() if k != "PLIANCE_SECRET"}
    env_file = dotenv(tmp_path, values, extra=line + "\n")
    with pytest.raises(kit.ConfigError) as info:
        kit.connect("pliance", environ={}, env_file=env_file)
    assert said in str(info.value) and "PLIANCE_SECRET in .env" in str(info.value)
    assert "a-secret-with" not in str(info.value)


def test_a_missing_value_names_the_var_and_the_file(box: Sandbox, tmp_path: Path) -> None:
    values = {k: v for k, v in pliance_values(box).items() if k != "PLIANCE_ISSUER"}
    with pytest.raises(kit.ConfigError, match=r"needs the env vars PLIANCE_ISSUER \(nor in \.env\)"):
        kit.connect("pliance", environ={}, env_file=dotenv(tmp_path, values))


def test_a_file_that_is_not_there_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(kit.ConfigError, match="is not a file"):
        kit.connect("pliance", environ={}, env_file=tmp_path / "nope.env")
    with pytest.raises(kit.ConfigError, match="is not a file"):
        kit.connect("pliance", environ={}, env_file=tmp_path)


def test_without_a_url_in_the_file_a_sandbox_starts_as_before(tmp_path: Path) -> None:
    target = kit.connect("pliance", environ={}, env_file=dotenv(tmp_path, {"SIGNICAT_URL": "https://x.test/"}))
    try:
        assert target.mode == "sandbox" and target.sources["secret"] == "sandbox"
    finally:
        target.close()


def test_the_cli_takes_an_env_file(tmp_path: Path) -> None:
    signicat = start("signicat")
    try:
        values = {"SIGNICAT_URL": signicat.url, **{f"SIGNICAT_{k.upper()}": v for k, v in signicat.credentials.items()}}
        env_file = dotenv(tmp_path, values)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SIGNICAT_")}
        done = subprocess.run(
            [sys.executable, "-m", "kit", "token", "signicat", "--env-file", str(env_file)],
            capture_output=True,
            text=True,
            timeout=120,
            env=clean,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.count(".") == 2  # a JWT
        assert signicat.control.counts()["tokens_issued"] == 1
    finally:
        signicat.stop()
        signicat.check()


def test_dotenv_files_stay_out_of_git() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
