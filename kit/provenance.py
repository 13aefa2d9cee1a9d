"""Provenance as data: every fact kit teaches about a provider, with where it comes from.

One registry per provider (its package's ``facts.FACTS``, ``kit/providers/<name>/facts.py``) holds
:class:`Fact` records: an id, a one-line statement, and a source of one of four kinds:

* ``documented``: the provider's own page says it (its URL and heading, never copied text);
* ``inferred``: from a framework's behaviour (name, version, what it does), an SDK's file, or the
  meaning a standard gives (an RFC's meaning of a status is not what a provider answers);
* ``kit's choice``: kit decided, and why;
* ``observed``: seen against a real implementation (which one).

Every label a user sees that states provider behaviour is rendered from a registry with
:meth:`Registry.cite` (labels of several facts are joined by ``"; "``), and every such label can be
read back with :meth:`Registry.resolve`, which raises for anything that is not a registered fact:
the tests use it on every table kit shows. :func:`facts` is the audit table of one provider.
:data:`HTTP` holds what comes from HTTP itself (the RFC meanings :func:`kit.refused` falls back on).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from kit.errors import ConfigError

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    from kit.tables import Table

__all__ = ["ARROW", "HTTP", "KINDS", "SEPARATOR", "Fact", "Kind", "Registry"]

Kind = Literal["documented", "inferred", "kit's choice", "observed"]
KINDS: tuple[str, ...] = get_args(Kind)
#: between the labels of several facts in one cell
SEPARATOR = "; "
#: between a comparison column and its label (``lifetime ← inferred: …``)
ARROW = " ← "


@dataclass(frozen=True)
class Fact:
    """One statement kit relies on, and where it comes from."""

    id: str
    statement: str
    kind: Kind
    #: documented: the page and heading; inferred: from what; kit's choice: why; observed: against what
    source: str
    #: documented: the page (required); otherwise the file or page the inference reads, if any
    url: str = ""
    #: the error answers this fact accounts for, as ``"<status> <code>"`` (``"401 INVALID_TOKEN"``)
    answers: tuple[str, ...] = ()
    #: the comparison column (``kit.compare.COLUMNS``) it answers: the source of what a run measures there,
    #: or, where a run measures nothing (revocation, a tenant model), the statement shown there
    column: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError(f"fact {self.id}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.statement or not self.source:
            raise ConfigError(f"fact {self.id}: a statement and a source are required")
        if self.kind == "documented" and not self.url.startswith("https://"):
            raise ConfigError(f"fact {self.id}: a documented fact cites its page (https URL)")
        if SEPARATOR.strip() in self.source or ARROW.strip() in self.source or "\n" in self.source:
            raise ConfigError(f"fact {self.id}: its source may not contain {SEPARATOR.strip()!r} or {ARROW!r}")

    @property
    def label(self) -> str:
        """How the source shows in a table: ``documented: <page, heading>``, ``inferred: <from what>``, …"""
        return f"{self.kind}: {self.source}"


class Registry:
    """A provider's facts by id; renders labels and reads them back."""

    def __init__(self, name: str, facts: Iterable[Fact], *, base: Registry | None = None) -> None:
        self.name = name
        self.base = base
        self._facts: dict[str, Fact] = {}
        for fact in facts:
            if fact.id in self._facts:
                raise ConfigError(f"{name}: fact {fact.id} is registered twice")
            self._facts[fact.id] = fact
        self._by_label: dict[str, Fact] = {}
        for fact in self.all():
            self._by_label.setdefault(fact.label, fact)  # facts from one page share a label

    def all(self) -> list[Fact]:
        """This registry's facts, then those it builds on (HTTP's)."""
        return list(self._facts.values()) + (self.base.all() if self.base else [])

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self._facts or (self.base is not None and fact_id in self.base)

    def __getitem__(self, fact_id: str) -> Fact:
        if fact_id in self._facts:
            return self._facts[fact_id]
        if self.base is not None and fact_id in self.base:
            return self.base[fact_id]
        raise ConfigError(f"{self.name}: no fact {fact_id!r} is registered")

    def compared(self) -> dict[str, str]:
        """Comparison column -> the id of the fact that answers it (each column answered once)."""
        found: dict[str, str] = {}
        for fact in self.all():
            if fact.column:
                if fact.column in found:
                    raise ConfigError(f"{self.name}: {found[fact.column]} and {fact.id} both answer {fact.column!r}")
                found[fact.column] = fact.id
        return found

    def cite(self, *ids: str) -> str:
        """The labels of ``ids``, in order, each once, joined by ``"; "``."""
        labels = dict.fromkeys(self[i].label for i in ids)
        return SEPARATOR.join(labels)

    def statement(self, fact_id: str) -> str:
        return self[fact_id].statement

    def resolve(self, text: str) -> list[Fact]:
        """A registered fact for each part of a shown source (the first with that label: facts from one
        page share it); ConfigError for any part that is not a registered fact's label.

        A part may start with a column name and ``" ← "`` (the comparison's source column does).
        """
        found = []
        for part in text.split(SEPARATOR):
            label = part.split(ARROW, 1)[-1]
            fact = self._by_label.get(label)
            if fact is None:
                raise ConfigError(f"{self.name}: {label!r} is not the label of a registered fact")
            found.append(fact)
        return found

    def answered(self, status: int, code: str) -> list[Fact]:
        """The facts that account for an error answer (``status`` with ``code``, or the status alone)."""
        wanted = {f"{status} {code}".strip(), str(status)}
        return [f for f in self.all() if wanted & set(f.answers)]

    def table(self) -> Table:
        """Every fact: id, statement, kind of source, the source, and the citation."""
        from kit.tables import Table

        rows = [
            {"fact": f.id, "statement": f.statement, "source": f.kind, "from": f.source, "citation": f.url}
            for f in self._facts.values()
        ]
        table = Table(rows, columns=["fact", "statement", "source", "from", "citation"])
        indexed: Table = table.set_index("fact")
        return indexed


_RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5"
HTTP = Registry(
    "http",
    [
        Fact("http-400", "a 400 refuses the request itself", "inferred", "RFC 9110 meaning of 400", _RFC9110),
        Fact("http-401", "a 401 refuses the credential", "inferred", "RFC 9110 meaning of 401", _RFC9110),
        Fact("http-403", "a 403 knows the caller, refuses the action", "inferred", "RFC 9110 meaning of 403", _RFC9110),
        Fact("http-404", "a 404 hides the resource", "inferred", "RFC 9110 meaning of 404", _RFC9110),
        Fact("http-other", "a status kit knows no meaning for", "observed", "no meaning known for this status"),
        Fact("http-not-refused", "the call was answered, not refused", "observed", "this call"),
    ],
)
