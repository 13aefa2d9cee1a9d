"""Execute notebooks and store their outputs (``make notebooks``), never by hand.

``python -m kit.notebooks notebooks/*.ipynb`` runs each notebook top to bottom in a fresh
``python3`` kernel with widget state not stored, normalises the kernelspec, drops any widget
state already in the file, and writes it back. Needs the ``dev`` extra (nbclient, nbformat).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.errors import KitError

__all__ = ["execute", "main"]

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def execute(
    path: str | Path, *, setup: str | None = None, teardown: str | None = None, save: bool = True, timeout: int = 300
) -> Any:
    """Run the notebook at ``path``; ``setup`` is code run first in the kernel, ``teardown`` last (neither saved)."""
    import nbformat
    from nbclient import NotebookClient

    read: Callable[..., Any] = nbformat.read  # nbformat has no type hints
    write: Callable[..., Any] = nbformat.write
    new_code_cell: Callable[[str], Any] = nbformat.v4.new_code_cell
    source = Path(path)
    notebook = read(source, as_version=4)
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    if setup is not None:
        notebook.cells.insert(0, new_code_cell(setup))
    if teardown is not None:
        notebook.cells.append(new_code_cell(teardown))
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(source.parent.resolve())}},
    )
    client.execute()
    notebook.metadata.pop("widgets", None)
    # a cell that ran but whose output could not be shown (IPython reports a display formatter's exception as
    # an error output and the cell still succeeds) must not be stored as if it were the story
    shown_errors = [
        f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    if shown_errors:
        raise KitError(f"{source.name} shows an error output, not stored: " + "; ".join(shown_errors))
    if teardown is not None:
        notebook.cells.pop()
    if setup is not None:
        notebook.cells.pop(0)
    if save:
        write(notebook, source)
    return notebook


def main(argv: list[str] | None = None) -> int:
    paths = argv if argv is not None else sys.argv[1:]
    if not paths:
        print("usage: python -m kit.notebooks NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    for index, path in enumerate(paths, 1):
        started = time.perf_counter()
        print(f"[{index}/{len(paths)}] {path} ...", end=" ", flush=True)
        execute(path)
        print(f"{time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
