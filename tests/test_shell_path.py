"""The shell path works as printed: the ``kit`` console script, ``kit sandbox serve`` with its export
lines and ``--write-env``, and ``to_curl``'s block pasted into bash in a clean environment.

The sandboxes run in their own process (``kit sandbox serve``), reached over real sockets; the pasted
block runs under ``env -i`` (nothing inherited but a PATH with bash and curl), so it works only if it
names the ``kit`` that really has kit and the exports it needs.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from realservers import stop
from served import env_values, served_env

import kit
from kit.shell import kit_command

KIT = Path(sys.executable).parent / "kit"
WITH_TOKEN = ["pliance", "signicat", "synerise", "signzy"]  # Salt Edge signs each request: no token


def _env_file(path: Path) -> dict[str, str]:
    """The env file's values of the providers with a token."""
    return {k: v for k, v in env_values(path).items() if k.split("_", 1)[0].lower() in WITH_TOKEN}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """``kit sandbox serve`` of the four providers with a token, its env file and the lines it printed."""
    folder = tmp_path_factory.mktemp("shell")
    env_file = folder / "sandboxes.env"
    process = subprocess.Popen(
        [str(KIT), "sandbox", "serve", *WITH_TOKEN, "--write-env", str(env_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        printed = []
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line.rstrip("\n"))
            if line.startswith("# serving until Ctrl-C"):
                break
        yield env_file, printed
    finally:
        stop(process)


def test_the_kit_console_script_is_installed_with_every_command() -> None:
    assert KIT.is_file() and os.access(KIT, os.X_OK)
    shown = subprocess.run([str(KIT), "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    for command in ("sandbox", "replay", "token", "conformance"):
        assert command in shown
    served = subprocess.run([str(KIT), "sandbox", "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert served.returncode == 0 and "--write-env" in served.stdout


def test_serve_prints_the_export_lines_before_serving_and_writes_them_for_source(
    served: tuple[Path, list[str]],
) -> None:
    env_file, printed = served
    exports = [line for line in printed if line.startswith("export ")]
    names = {line.split("=", 1)[0].removeprefix("export ") for line in exports}
    assert {"PLIANCE_URL", "PLIANCE_SECRET", "SIGNICAT_URL", "SIGNICAT_CLIENT_SECRET", "SIGNZY_PASSWORD"} <= names
    assert printed[-1].startswith("# serving until Ctrl-C; in another shell: source ")
    assert f"then e.g. {kit_command()} token NAME" in printed[-1]
    written = env_file.read_text().splitlines()
    assert [line for line in written if line.startswith("export ")] == exports
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600  # it holds the sandboxes' demo credentials


def test_a_mistyped_name_gets_the_closest_one() -> None:
    done = subprocess.run([str(KIT), "sandbox", "serve", "signcat"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "no sandbox named 'signcat'; did you mean 'signicat'?" in done.stderr
    token = subprocess.run([str(KIT), "token", "sinerise"], capture_output=True, text=True, timeout=60)
    assert token.returncode == 2 and "did you mean 'synerise'?" in token.stderr
    with pytest.raises(kit.ConfigError, match="did you mean 'saltedge'"):
        kit.connect("salt-edge")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (.ci/run installs it)")
@pytest.mark.parametrize("name", WITH_TOKEN)
def test_the_pasted_curl_block_answers_2xx_in_a_clean_shell(
    name: str, served: tuple[Path, list[str]], tmp_path: Path
) -> None:
    env_file, _ = served
    target = kit.connect(name, environ=_env_file(env_file))  # live mode: the CLI sandbox, as a user's shell sees it
    assert target.mode == "live"
    call = target.provider.business
    session = target.session(**call.options)
    session.call(call.method, call.path_for(session), json=call.body)
    block = kit.to_curl(session)
    assert f'"$({kit_command()} token {name})"' in block and "python -m kit" not in block
    assert block.splitlines()[-1].startswith(
        f'curl -X {call.method} "${{{name.upper()}_URL%/}}"\'/'
    )  # where the env points
    script = f"source {env_file}\nset -e\n{block} --silent --show-error --output /dev/null --write-out '%{{http_code}}'"
    done = subprocess.run(
        ["env", "-i", f"HOME={tmp_path}", "PATH=/usr/bin:/bin", "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path.cwd(),  # where kit ran: the block names kit relative to it when the venv is there or one up
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("2"), (done.stdout, done.stderr)


def test_the_block_says_what_to_set_when_the_shell_has_nothing(tmp_path: Path) -> None:
    with kit.connect("signicat") as target:
        session = target.session()
        session.call("POST", "auth/rest/sessions", json={})
        block = kit.to_curl(session)
    done = subprocess.run(
        ["env", "-i", f"HOME={tmp_path}", "PATH=/usr/bin:/bin", "bash", "-c", block],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SIGNICAT_URL: set SIGNICAT_URL first" in done.stderr


def test_the_kit_command_is_relative_only_where_kit_ran_beside_its_venv(tmp_path: Path) -> None:
    """A notebook runs in notebooks/, beside .venv: its stored block holds no path of the machine; anywhere
    else the path is absolute, so the pasted line finds kit from any folder."""
    project = KIT.resolve().parents[2]
    code = "from kit.shell import kit_command; print(kit_command())"
    shown = {
        where: subprocess.run(
            [sys.executable, "-c", code], cwd=where, capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip()
        for where in (project, project / "notebooks", tmp_path)
    }
    venv = KIT.parent.parent.name  # .venv (make test), .venv-floors (make floors)
    assert shown[project] == f"./{venv}/bin/kit" and shown[project / "notebooks"] == f"../{venv}/bin/kit"
    assert shown[tmp_path] == str(KIT)
    assert subprocess.run([shown[tmp_path], "--help"], cwd=tmp_path, capture_output=True, timeout=60).returncode == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_env_files_are_never_committed() -> None:
    """What `--write-env` writes holds credentials: git ignores it wherever it lands in the repository."""
    root = KIT.resolve().parents[2]
    for name in ("signicat.env", "notebooks/pliance.env", ".env"):
        assert subprocess.run(["git", "check-ignore", "-q", name], cwd=root, timeout=30).returncode == 0, name


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (.ci/run installs it)")
def test_the_block_trusts_a_tls_sandbox_by_its_exported_bundle_and_takes_the_tenant_from_its_variable(
    tmp_path: Path,
) -> None:
    """Against ``kit sandbox serve pliance --tls``: the curl line carries ``--cacert "${PLIANCE_CA_BUNDLE}"`` (it
    failed with "SSL certificate problem" before) and ``X-Tenant`` from ``${PLIANCE_TENANT}``, never as typed."""
    with served_env("pliance", tmp_path, options=["--tls"]) as env_file:
        environ = {**_env_file(env_file), "PLIANCE_TENANT": "tenant-a"}
        assert environ["PLIANCE_URL"].startswith("https://") and environ["PLIANCE_CA_BUNDLE"]
        target = kit.connect("pliance", environ=environ)
        session = target.session()
        session.call("GET", "api/Ping")
        block = kit.to_curl(session)
        assert '--cacert "${PLIANCE_CA_BUNDLE}"' in block
        assert "-H 'X-Tenant: '\"${PLIANCE_TENANT}\"" in block and "tenant-a" not in block
        assert '"${PLIANCE_CA_BUNDLE:?set PLIANCE_CA_BUNDLE first}"' in block  # checked before the call
        script = (
            f"source {env_file}\nexport PLIANCE_TENANT=tenant-a\nset -e\n"
            f"{block} --silent --show-error --output /dev/null --write-out '%{{http_code}}'"
        )
        done = subprocess.run(
            ["env", "-i", f"HOME={tmp_path}", "PATH=/usr/bin:/bin", "bash", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path.cwd(),
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().startswith("2"), (done.stdout, done.stderr)
