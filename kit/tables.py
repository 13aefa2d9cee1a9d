"""How kit's tables look: :class:`Table`, a ``pandas.DataFrame`` that shows every cell in full.

pandas cuts text cells at ``display.max_colwidth`` (50 characters), which is where the meaning of
kit's tables is: comparison facts, claim meanings, URLs, error messages. A :class:`Table` renders
with no cut, in HTML as in text, and its HTML wraps long values (at word breaks, and inside a
token or URL when it must) so the table fits the width of a notebook instead of running off it;
no column is squeezed below eight characters, and row and column labels break only between words.
Bodies are summarised before they reach a table (see :mod:`kit.journal`), so wrapping never
shows a page of JSON. Everything else is pandas: slicing, ``.T``, ``.head()`` or ``pd.concat``
of Tables give a Table again, and any DataFrame becomes one with ``Table(frame)``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["STYLE", "Table"]

#: scoped to ``div.kit-table`` so a notebook's other tables keep their look; JupyterLab's own
#: ``.jp-RenderedHTMLCommon td`` rules have lower specificity than these
STYLE = (
    "<style>"
    "div.kit-table table.dataframe{table-layout:auto;max-width:100%}"
    "div.kit-table table.dataframe td,div.kit-table table.dataframe th"
    "{white-space:pre-wrap;overflow-wrap:anywhere;text-align:left;vertical-align:top;min-width:8ch}"
    "div.kit-table table.dataframe th{overflow-wrap:break-word}"  # labels break between words only
    "</style>"
)
_FULL = ("display.max_colwidth", None, "display.max_columns", None)


class Table(pd.DataFrame):  # type: ignore[misc]  # pandas ships no type hints here
    """A DataFrame whose cells are shown in full: wrapped in HTML, uncut in text."""

    _metadata: list[str] = []

    @property
    def _constructor(self) -> type[Table]:
        return Table

    def _repr_html_(self) -> str | None:
        with pd.option_context(*_FULL):
            html: str | None = super()._repr_html_()
        return None if html is None else f'<div class="kit-table">{STYLE}{html}</div>'

    def __repr__(self) -> str:
        with pd.option_context(*_FULL, "display.width", 120):
            return str(super().__repr__())
