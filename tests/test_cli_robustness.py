"""The command line under a person's habits: Ctrl-C and SIGTERM end ``kit sandbox serve`` at any time, a pipe
closed early (``| head``) ends a command quietly, and a huge ``.env`` file is refused before it is read whole.

Each case runs the real ``kit`` script in its own process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from realservers import stop

import kit
from kit.environment import MAX_ENV_BYTES

KIT = Path(sys.executable).parent / "kit"


def _serving() -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [str(KIT), "sandbox", "serve", "all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("# serving until Ctrl-C"):
            return process
    stop(process)
    raise AssertionError("kit sandbox serve did not start")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_sandboxes_at_once_and_cleanly(sig: signal.Signals) -> None:
    process = _serving()
    try:
        process.send_signal(sig)
        code = process.wait(timeout=30)  # the old handler could deadlock here, in Event.set inside Event.wait
    finally:
        stop(process)
    assert code == 0
    assert process.stderr is not None and "Traceback" not in process.stderr.read()


def test_a_signal_during_start_up_ends_it_too() -> None:
    process = subprocess.Popen(
        [str(KIT), "sandbox", "serve", "all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(1.0)  # kit is importing, or starting the sandboxes: wherever it is, the signal must end it
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
    finally:
        stop(process)
    assert code in (0, -signal.SIGTERM)  # handled (0), or before kit's handler existed (the default: ended)


@pytest.mark.parametrize("argv", [["openapi", "signicat"], ["openapi", "signzy", "--swagger2"]])
def test_a_reader_that_went_away_ends_the_command_quietly(argv: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before kit writes a byte: `kit openapi … | head -c0`
    try:
        done = subprocess.run([str(KIT), *argv], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert done.returncode == 141 and done.stderr == ""


def test_a_huge_env_file_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.env"
    with open(big, "wb") as out:
        out.write(b"PLIANCE_URL=https://pliance.example/\n")
        out.write(b"# padding\n" * (20 * MAX_ENV_BYTES // 10))  # 20 MB
    with pytest.raises(kit.ConfigError, match="larger than 1000 kB"):
        kit.connect("pliance", environ={}, env_file=big)
    done = subprocess.run(
        [str(KIT), "token", "pliance", "--env-file", str(big)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "larger than 1000 kB" in done.stderr
