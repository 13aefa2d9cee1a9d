"""Recipes: each provider's whole auth flow as plain code a learner copies, in Python and in JavaScript.

A recipe is a file beside its provider's code (``recipe.py``, ``recipe.mjs`` in the provider's package) that
imports nothing of kit: Python with requests, PyJWT and cryptography; JavaScript with Node 20+ built-ins. It
reads the env vars kit reads (``<NAME>_URL``, the credential variables, ``<NAME>_CA_BUNDLE``) and makes the
provider's business call three times. :func:`recipe` finds one; :meth:`Recipe.run` runs it against a target
as a subprocess (what a learner's script would be) and, against a sandbox, shows what the server was sent;
:meth:`Recipe.beside` puts that beside what a kit session sends for the same calls. ``kit recipe NAME``
prints one.
"""

from __future__ import annotations

import html
import importlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from kit.arguments import checked
from kit.auth.scheme import FlowAuth
from kit.credentials import Credentials, env_name
from kit.errors import ConfigError, SandboxError
from kit.providers import provider
from kit.secrets import redact, reveal
from kit.target import Target

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LANGUAGES", "Recipe", "recipe"]

Language = Literal["python", "js"]
#: language -> the recipe's file name in its provider's package
LANGUAGES: dict[str, str] = {"python": "recipe.py", "js": "recipe.mjs"}
TIMEOUT = 120.0  # seconds a recipe may run


@dataclass(frozen=True)
class Recipe:
    """One provider's recipe in one language: ``text``, shown highlighted in a notebook; :meth:`run`."""

    provider: str
    language: Language
    path: Path

    def __repr__(self) -> str:
        return f"<Recipe {self.provider} {self.language}: kit recipe {self.provider} --lang {self.language}>"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        lexer = "python" if self.language == "python" else "javascript"
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import get_lexer_by_name
        except ImportError:  # pygments comes with IPython; without it, the plain text
            return f"<pre>{html.escape(self.text)}</pre>"
        formatter = HtmlFormatter(noclasses=True, style="default")
        return str(highlight(self.text, get_lexer_by_name(lexer), formatter))

    def command(self) -> list[str]:
        """How it runs: ``python recipe.py`` or ``node recipe.mjs``.

        :raises ConfigError: a JavaScript recipe and no ``node`` on PATH.
        """
        if self.language == "python":
            return [sys.executable, str(self.path)]
        node = shutil.which("node")
        if node is None:
            raise ConfigError("the JavaScript recipes run with node (20 or newer), which is not on PATH")
        return [node, str(self.path)]

    def environment(self, target: Target, credentials: Credentials | None = None) -> dict[str, str]:
        """The env vars the recipe reads, for ``target``: its URL, its credentials (``credentials``, else the
        target's), its CA bundle."""
        name = self.provider
        used = credentials or target.credentials
        values = {env_name(name, "url"): target.base_url}
        for field in used.fields():
            value = getattr(used, field.name)
            if value is not None:
                values[env_name(name, field.name)] = str(reveal(value))
        if isinstance(target.verify, str):
            values[env_name(name, "ca_bundle")] = target.verify
            values["NODE_EXTRA_CA_CERTS"] = target.verify  # node reads its extra CAs from this, when it starts
        kept = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")}
        return {**kept, **values}

    @checked
    def run(self, target: Target, credentials: Credentials | None = None) -> pd.DataFrame:
        """Run the recipe against ``target`` (with ``credentials``, else the target's); a table of the requests
        it sent (read from the sandbox) with the status of each. ``attrs``: ``printed`` (its output, redacted)
        and ``exit`` (its exit code).

        :raises SandboxError: ``target`` is live (only a sandbox can say what it was sent), or the recipe
            did not end within its time.
        """
        if target.sandbox is None:
            raise SandboxError(f"{self.provider} is live: run the recipe yourself (`kit recipe {self.provider}`)")
        before = len(target.control.seen())
        try:
            done = subprocess.run(
                self.command(),
                env=self.environment(target, credentials),
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise SandboxError(f"the {self.provider} recipe did not end within {TIMEOUT:g} s") from None
        table = requests_table(target.control.seen()[before:], credential_headers(target, credentials))
        table.attrs.update(printed=redact(done.stdout + done.stderr).strip(), exit=done.returncode)
        return table

    @checked
    def beside(self, target: Target, credentials: Credentials | None = None) -> pd.DataFrame:
        """What the recipe sent and what a kit session sends for the same three business calls, side by side
        (method, path, credential headers, status), each read from what the sandbox was sent, and whether
        the two match; both with ``credentials``, else the target's."""
        from kit.tables import Table

        ran = self.run(target, credentials)
        before = len(target.control.seen())
        call = target.provider.business
        with target.session(credentials) as s:
            for _ in range(3):
                s.call(call.method, call.path_for(s), json=call.body)
        kit = requests_table(target.control.seen()[before:], s.auth_as(FlowAuth).header_names())
        rows = []
        for i in range(max(len(ran), len(kit))):
            mine = ran.iloc[i].to_dict() if i < len(ran) else {}
            theirs = kit.iloc[i].to_dict() if i < len(kit) else {}
            rows.append(
                {"recipe": _line(mine), "kit": _line(theirs), "same": "yes" if mine and mine == theirs else "no"}
            )
        table = Table(rows)
        table.attrs["printed"] = ran.attrs["printed"]
        return table


def credential_headers(target: Target, credentials: Credentials | None = None) -> set[str]:
    """The headers the provider's auth writes with ``credentials`` (else the target's), lower case: what the
    tables call credential headers (which may depend on the credentials, an API version they name)."""
    with target.session(credentials) as s:
        return s.auth_as(FlowAuth).header_names()


def requests_table(seen: list[dict[str, Any]], credentials: set[str]) -> pd.DataFrame:
    """One row per request a sandbox was sent: method, path (with the names of its query parameters), its
    credential headers, status."""
    from kit.tables import Table

    rows = [
        {
            "method": entry["method"],
            "path": entry["path"] + ("?" + "&".join(entry["query"]) if entry["query"] else ""),
            "credential headers": ", ".join(h for h in entry["headers"] if h in credentials),
            "status": entry["status"],
        }
        for entry in seen
    ]
    return Table(rows, columns=["method", "path", "credential headers", "status"])


def _line(row: dict[str, Any]) -> str:
    if not row:
        return ""
    headers = f" [{row['credential headers']}]" if row["credential headers"] else ""
    return f"{row['method']} {row['path']}{headers} → {row['status']}"


@checked
def recipe(name: str, language: str = "python") -> Recipe:
    """Provider ``name``'s recipe in ``language`` (``python`` or ``js``).

    :raises ConfigError: an unknown provider or language, or a provider whose package ships no recipe in it.
    """
    if language not in LANGUAGES:
        raise ConfigError(f"a recipe's language is one of {', '.join(LANGUAGES)}, not {language!r}")
    spec = provider(name)
    folder = Path(str(importlib.import_module(spec.package).__file__)).parent
    path = folder / LANGUAGES[language]
    if not path.is_file():
        raise ConfigError(f"{spec.name} has no {language} recipe ({path.name} beside its code)")
    return Recipe(spec.name, cast(Language, language), path)
