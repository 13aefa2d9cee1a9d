"""How a KitError shows in a notebook: a short box with the answer, not a traceback through kit.

In IPython (JupyterLab, the terminal), :func:`install` registers a handler through IPython's own hook for
custom exception rendering (``InteractiveShell.set_custom_exc``): a :class:`~kit.errors.KitError`
raised by a cell is shown as an :class:`ErrorBox`: what was refused and by whom, the provider's code
and message, and the hint (which credential field was changed and where, as the session knows it).
The cell still fails, so Run All stops there as it would on any error; ``%tb`` shows the full
traceback. Any other exception keeps IPython's traceback, and plain Python (a script, pytest) keeps
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

    def __repr__(self) -> str:
        width = max(len(label) for label, _ in self.lines)
        return "\n".join([self.title, *(f"  {label:<{width}}  {text}" for label, text in self.lines)])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<div><b>{html.escape(label)}</b>&nbsp; {html.escape(text, quote=False)}</div>"
            for label, text in self.lines
        )
        return f'<div class="kit-error mathjax_ignore" style="{_STYLE}"><b>{html.escape(self.title)}</b>{rows}</div>'


def _show(
    shell: Any, etype: type[BaseException], value: BaseException, tb: TracebackType | None, tb_offset: Any = None
) -> list[str]:
    """IPython's custom exception handler: display the box; ``%tb`` still finds the traceback."""
    from IPython.display import display  # IPython ships no type hints here

    sys.last_type = etype  # where %tb (IPython's showtraceback) looks for the last exception
    sys.last_value = value
    sys.last_traceback = tb
    if isinstance(value, KitError):
        display(ErrorBox.of(value))  # type: ignore[no-untyped-call]
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
