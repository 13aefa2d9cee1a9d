"""``kit sandbox serve … --write-env FILE`` writes a new file and renames it over FILE, never through a link.

Each case runs the real CLI in its own process: a planted symlink, a FIFO, a folder and another user's
file are refused (exit 2, one line, nothing written anywhere); an existing file someone holds open keeps
its old text for that reader, and the new file is 0600 whatever the umask. ``kit.to_har`` writes the same way.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from realservers import stop

import kit

KIT = Path(sys.executable).parent / "kit"


def serve(env_file: Path, umask: int = 0o022) -> tuple[int | None, list[str], str]:
    """Run ``kit sandbox serve pliance --write-env env_file``; its exit status (None: it served), what it printed."""
    process = subprocess.Popen(
        [str(KIT), "sandbox", "serve", "pliance", "--write-env", str(env_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.umask(umask),
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    printed = []
    for line in process.stdout:
        printed.append(line.rstrip("\n"))
        if line.startswith("# serving until Ctrl-C"):
            stop(process)
            return None, printed, process.stderr.read()
    process.wait(timeout=60)
    return process.returncode, printed, process.stderr.read()


def _refused(env_file: Path, reason: str) -> None:
    done = subprocess.run(
        [str(KIT), "sandbox", "serve", "pliance", "--write-env", str(env_file)],
        capture_output=True, text=True, timeout=60,  # a kit that opened a FIFO would hang: it fails here instead
    )  # fmt: skip
    errors = done.stderr
    assert done.returncode == 2, (done.stdout, errors)
    assert errors.count("\n") == 1 and "--write-env" in errors and reason in errors, errors
    assert not any(name.name.startswith(f".{env_file.name}.") for name in env_file.parent.iterdir())


def test_a_planted_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    victim.chmod(0o644)
    (tmp_path / "pliance.env").symlink_to(victim)
    _refused(tmp_path / "pliance.env", "symbolic link")
    assert victim.read_text() == "keep me\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pliance.env")
    _refused(tmp_path / "pliance.env", "not a regular file")  # serve() would hang if kit opened it


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pliance.env").mkdir()
    _refused(tmp_path / "pliance.env", "not a regular file")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file of another user needs root (CI runs as root)")
def test_another_users_file_is_refused_and_stays_theirs(tmp_path: Path) -> None:
    theirs = tmp_path / "pliance.env"
    theirs.write_text("# theirs\n")
    os.chown(theirs, 65534, 65534)
    _refused(theirs, "belongs to another user")
    assert theirs.read_text() == "# theirs\n" and theirs.stat().st_uid == 65534


def test_an_open_old_file_keeps_its_text_and_the_new_one_is_0600(tmp_path: Path) -> None:
    env_file = tmp_path / "pliance.env"
    env_file.write_text("# the old file\n")
    env_file.chmod(0o644)
    with open(env_file, encoding="utf-8") as held:  # a reader that opened it before
        code, _, errors = serve(env_file, umask=0o000)
        assert code is None, errors
        assert held.read() == "# the old file\n"  # the old file, not the new credentials
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert "export PLIANCE_SECRET=" in env_file.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["pliance.env"]  # no temporary file left


def test_to_har_refuses_a_symlink_too(pliance_target: kit.Target, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (tmp_path / "run.har").symlink_to(victim)
    session = pliance_target.session()
    session.call("GET", "api/Ping")
    with pytest.raises(kit.ConfigError, match="symbolic link"):
        kit.to_har(session, tmp_path / "run.har")
    assert victim.read_text() == "keep me\n"
    assert kit.to_har(session, tmp_path / "new.har").read_text().startswith("{")


def test_the_serving_line_quotes_the_file_and_shows_its_control_characters(tmp_path: Path) -> None:
    env_file = tmp_path / "my env\nsource evil.env"
    code, printed, errors = serve(env_file)
    assert code is None, errors
    assert printed[-1].startswith("# serving until Ctrl-C; in another shell: source '") and "\\x0a" in printed[-1]
    assert not any(line.startswith("source") for line in printed)
    assert env_file.exists() and stat.S_IMODE(env_file.stat().st_mode) == 0o600
