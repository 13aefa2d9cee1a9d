"""How a KitError shows in a notebook: a short box with the answer, not a traceback through kit.

In IPython (JupyterLab, the terminal), :func:`install` registers a handler through IPython's own hook for
custom exception rendering (``InteractiveShell.set_custom_exc``): a :class:`~kit.errors.KitError`
raised by a cell is shown as an :class:`ErrorBox`: what was refused and by whom, the provider's code
and message, and the hint (which credential field was changed and where, as the session knows it).
The cell still fails, so Run All stops there as it would on any error; ``%tb`` shows the full
traceback. In a kernel the failure also reaches the frontend as the standard ``error`` output any notebook
runner reads (nbval, nbmake, papermill, ``nbconvert --execute``): ``ename`` the error's class, ``evalue`` the
box's one-line :attr:`ErrorBox.summary`, and as traceback the box as text, never kit's frames, so a CI log
says who refused what and why. Any other exception keeps IPython's traceback, and plain Python (a script, pytest) keeps
Python's. kit's notebooks also leave out PyJWT's ``InsecureKeyLengthWarning`` (a short HMAC key):
the claims table already reports it, in its ``signature`` row.
"""

from __future__ import annotations

import html
import sys
import warnings
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from kit.errors import ApiError, KitError

__all__ = ["ErrorBox", "install"]

_STYLE = (
    "border-left:4px solid #c62828;background:#fdecea;color:#222;padding:0.4em 0.8em;"
    "margin:0.2em 0;font-family:var(--jp-content-font-family,sans-serif);white-space:normal"
)


@dataclass(frozen=True)
class ErrorBox:
    """A KitError as a notebook shows it: a title line, then labelled lines (all already redacted)."""

    title: str
    lines: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, error: KitError) -> ErrorBox:
        kind = type(error).__name__
        if isinstance(error, ApiError):
            who = error.provider or "the provider"
            answer = " ".join(str(part) for part in (error.status, error.code) if part)
            lines = [("answer", f"{answer}: {error.detail}")]
            if error.url:
                lines.append(("request", error.url))
            title = f"✗ {who} refused it" if error.status in (401, 403) or error.hint else f"✗ {who} answered an error"
        else:
            lines = [("message", error.message)]
            title = "✗ kit could not do it"
        if error.hint:
            lines.append(("hint", error.hint))
        lines.append(("error", f"{kind} (%tb shows the full traceback)"))
        return cls(title, tuple(lines))

    @property
    def summary(self) -> str:
        """One line for a CI log: who refused or failed, the answer or message, the hint."""
        said = dict(self.lines)
        parts = [self.title.removeprefix("✗ ")]
        parts.append(said.get("answer") or said.get("message", ""))
        if said.get("hint"):
            parts.append(f"hint: {said['hint']}")
        return " — ".join(part for part in parts if part)

    def text_lines(self, *, without: str = "") -> list[str]:
        """The box as lines of plain text (a terminal's view of it, and the traceback a runner prints), leaving out
        the line labelled ``without``."""
        lines = [(label, text) for label, text in self.lines if label != without]
        width = max(len(label) for label, _ in lines)
        return [self.title, *(f"  {label:<{width}}  {text}" for label, text in lines)]

    def traceback(self, ename: str) -> list[str]:
        """What a runner prints for the failed cell: the box as text, ending as Python's own tracebacks end
        (``AuthError: <summary>``, the line a one-line report keeps, in place of the box's ``error`` line)."""
        return [*self.text_lines(without="error"), f"{ename}: {self.summary} (%tb shows the full traceback)"]

    def __repr__(self) -> str:
        return "\n".join(self.text_lines())

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<div><b>{html.escape(label)}</b>&nbsp; {html.escape(text, quote=False)}</div>"
            for label, text in self.lines
        )
        return f'<div class="kit-error mathjax_ignore" style="{_STYLE}"><b>{html.escape(self.title)}</b>{rows}</div>'


def _show(
    shell: Any, etype: type[BaseException], value: BaseException, tb: TracebackType | None, tb_offset: Any = None
) -> list[str]:
    """IPython's custom exception handler: the box, and in a kernel the error output; ``%tb`` still finds the
    traceback.

    IPython calls a custom handler *instead of* showing a traceback, so by itself a cell failing here leaves no
    ``error`` output: runners that look for one (nbmake) passed, the others printed nothing. ipykernel's
    ``_showtraceback`` is how its own tracebacks are sent (the iopub ``error`` message, and the traceback the
    execute reply carries); kit sends the box through it, as text.
    """
    from IPython.display import display  # IPython ships no type hints here

    sys.last_type = etype  # where %tb (IPython's showtraceback) looks for the last exception
    sys.last_value = value
    sys.last_traceback = tb
    if not isinstance(value, KitError):
        return []
    box = ErrorBox.of(value)
    display(box)  # type: ignore[no-untyped-call]
    if getattr(shell, "kernel", None) is not None:  # a terminal IPython has shown the box as text: once is enough
        shell._showtraceback(etype, box.summary, box.traceback(etype.__name__))
    return []


def install() -> bool:
    """Show KitErrors as boxes in the running IPython, if any (and if no other handler is set there).

    Returns whether it did. Called when kit is imported; a plain Python process is left alone.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or shell.custom_exceptions not in ((), (KitError,)):
        return False
    shell.set_custom_exc((KitError,), _show)
    try:
        from jwt.warnings import InsecureKeyLengthWarning
    except ImportError:  # an older PyJWT warns nothing
        return True
    warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
    return True
