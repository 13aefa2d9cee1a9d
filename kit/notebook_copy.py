"""``kit notebooks DIR``: the notebooks that ship inside the package, copied out for JupyterLab.

A pip-installed kit has no repository to open: its eight notebooks are package data
(``kit/notebook_files``). Copying them out never loses a person's work: a notebook already in ``DIR`` that
differs from the shipped one (edited, or executed again) is left as it is and named, and the command says
so (exit 2) instead of overwriting it; one that is the same is left alone; the others are written.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from kit.errors import ConfigError

__all__ = ["copy_notebooks", "shipped"]


def shipped() -> list[Path]:
    """The notebooks inside the installed package, in order."""
    folder = Path(str(resources.files("kit") / "notebook_files"))
    found = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise ConfigError(f"this kit has no notebooks in {folder} (a source tree without them, or a broken install)")
    return found


def copy_notebooks(folder: str | Path) -> tuple[list[str], list[str]]:
    """Copy the shipped notebooks into ``folder`` (made if missing): the names written, and those left as they
    were because they are already there unchanged.

    :raises ConfigError: ``folder`` is not a folder, or a notebook there differs from the shipped one (named;
        nothing is overwritten, the others are still written).
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{str(target)!r} is not a folder")
    target.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    same: list[str] = []
    changed: list[str] = []
    for notebook in shipped():
        there = target / notebook.name
        if there.is_symlink() or (there.exists() and not there.is_file()):
            changed.append(notebook.name)
        elif there.exists():
            (same if there.read_bytes() == notebook.read_bytes() else changed).append(notebook.name)
        else:
            shutil.copyfile(notebook, there)
            written.append(notebook.name)
    if changed:
        raise ConfigError(
            f"{len(changed)} notebook(s) in {str(target)!r} differ from kit's and were left as they are: "
            f"{', '.join(changed)} (move them away to get kit's again); written: {len(written)}"
        )
    return written, same
