"""kit on a shell line: the command that really has kit, and ``export`` lines a person pastes.

A hint that says ``python -m kit token NAME`` fails in a fresh shell whose ``python`` is not the
one kit is installed in. :func:`kit_command` names the ``kit`` script installed beside the running
interpreter (the venv's ``bin/kit``), or that interpreter with ``-m kit`` when the script is missing
(kit used from a source tree). The path is relative to the working directory when the venv lies in it
or in its parent (a notebook runs in ``notebooks/``, beside ``.venv``; JupyterLab's terminal opens
there too), so a stored notebook holds no path of the machine that ran it; absolute otherwise.
:func:`export_lines` quotes values for a POSIX shell.
"""

from __future__ import annotations

import html
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kit.files import replace_file
from kit.terminal import visible

__all__ = ["ShellBlock", "comment", "export_lines", "kit_command", "working_folder", "write_env"]


class ShellBlock(str):
    """Shell lines to paste (``kit.to_curl``'s): a str, shown in a notebook as a preformatted block that scrolls
    sideways (JupyterLab wraps plain text anywhere, mid-word) and as the lines themselves in a terminal."""

    def _repr_html_(self) -> str:
        # on screen the lines stay whole and the block scrolls; on paper, where nothing scrolls, they wrap
        style = (
            "<style>pre.kit-shell{white-space:pre;overflow-x:auto;max-width:100%}"
            "@media print{pre.kit-shell{white-space:pre-wrap;overflow-wrap:anywhere;overflow-x:visible}}</style>"
        )
        return f'{style}<pre class="kit-shell">{html.escape(str(self), quote=False)}</pre>'

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _shown(path: Path) -> str:
    """``path`` (in a venv's ``bin``) relative to the working directory when the venv's folder is the working
    directory or its parent, else absolute."""
    here = Path.cwd().resolve()
    parents = path.resolve().parents
    project = parents[2] if len(parents) > 2 else None
    if project == here:
        return os.path.join(os.curdir, os.path.relpath(path.resolve(), here))
    if project == here.parent:
        return os.path.join(os.pardir, os.path.relpath(path.resolve(), project))
    return str(path)


def kit_command() -> str:
    """The shell words that run kit's CLI with the kit this process uses (see the module's docstring)."""
    script = Path(sys.executable).parent / "kit"
    if script.is_file() and os.access(script, os.X_OK):
        return shlex.quote(_shown(script))
    return f"{shlex.quote(_shown(Path(sys.executable)))} -m kit"


def working_folder() -> str:
    """The name of the working directory, which a relative :func:`kit_command` is relative to."""
    return Path.cwd().name or os.sep


def comment(text: str) -> str:
    """``# text`` as one comment line a person pastes: every control character in it made visible, so a
    newline in a folder's name cannot end the comment and run what follows."""
    return "# " + visible(text)


def export_lines(values: Mapping[str, str]) -> list[str]:
    """``export NAME=value`` lines, each value quoted for a POSIX shell (bash, zsh, sh)."""
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


def write_env(path: str | Path, lines: list[str]) -> Path:
    """Write ``lines`` to ``path`` for ``source path``, readable by its owner only (it holds credentials):
    a new file renamed over the old one, never written through a link or into another user's file
    (:func:`kit.files.replace_file`).

    :raises ConfigError: ``path`` is a link, a FIFO or another non-regular file, another user's, or unwritable.
    """
    return replace_file(path, "\n".join(lines) + "\n", mode=0o600, what="--write-env")
