"""Where a notebook talks to: a :class:`Target` (mode, base URL, credentials, sandbox, control).

Made by :func:`kit.connect`; typed here, on a low floor, so provider and probe modules can name it.
A target remembers the credentials it was made with and where each field came from (``initial``,
``sources``), so a form can show which values were typed and bring the others back. Its sandbox
stops when the kernel exits; a notebook needs no closing cell. After :meth:`Target.close`, new
sessions are refused and a session made earlier fails with a message saying what to run again.

One notebook runs against either side. A step only a sandbox can do (a key rotation, a setting, a fault) is
guarded by :meth:`Target.sandbox_only`, a step that changes a live account (a child created, a password
changed) by :meth:`Target.may_write`: against a live target each shows a one-line :class:`Skipped` note,
records it in ``target.skipped``, and returns False, so the notebook goes on.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from kit.arguments import check_fields, checked
from kit.credentials import Credentials, env_name, random_secret
from kit.errors import AuthError, ConfigError, KitError
from kit.finishing import Finishing
from kit.record.journal import Journal
from kit.secrets import Secret, redact
from kit.session import Session
from kit.spec import Provider
from kit.typed import Made, Typed, made_in
from kit.wire import Wiring

if TYPE_CHECKING:
    import pandas as pd

    from kit.auth.httpx_bridge import HttpxAuth
    from kit.sandbox.control import Control
    from kit.sandbox.runner import Sandbox

__all__ = ["Mode", "Skipped", "Target"]

C = TypeVar("C", bound=Credentials)
#: a sandbox started in this process, or the live provider
Mode = Literal["sandbox", "live"]


@dataclass(frozen=True)
class Skipped:
    """A notebook step not run against a live target: why, what, and where (the URL, redacted)."""

    why: str
    what: str
    url: str
    remedy: str = ""

    def __str__(self) -> str:
        remedy = f"; {self.remedy}" if self.remedy else ""
        return f"{self.why}: skipped against {self.url} ({self.what}){remedy}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (
            '<p class="kit-skipped" style="color:#555;font-style:italic;margin:0.2em 0">'
            f"⤼ {html.escape(str(self), quote=False)}</p>"
        )

    def show(self) -> None:
        """Display the note in IPython (a notebook's output), else write it to stderr."""
        ipython = sys.modules.get("IPython")
        if ipython is not None and ipython.get_ipython() is not None:
            from IPython.display import display  # IPython ships no type hints here

            display(self)  # type: ignore[no-untyped-call]
        else:
            print(self, file=sys.stderr)


@dataclass
class Target(Finishing):
    """Where a notebook talks to: ``mode``, ``base_url``, ``credentials``, ``session()``, ``sandbox``."""

    provider: Provider
    mode: Mode
    base_url: str
    credentials: Credentials
    sandbox: Sandbox | None = None
    verify: bool | str | None = None
    ignored: list[str] = field(default_factory=list)
    #: where each credentials field came from: ``sandbox``, ``env <VAR>``, ``connect() argument``, ``default``
    sources: dict[str, str] = field(default_factory=dict)
    #: the credentials as :func:`kit.connect` made them (a form's reset brings these back)
    initial: Credentials | None = None
    #: the values a credentials form submitted, now and before (a refusal's hint says "✎ changed in the form")
    typed: Typed = field(default_factory=Typed)
    #: where a live base URL came from: ``env <PROVIDER>_URL`` or ``.env <PROVIDER>_URL``
    url_source: str = ""
    #: the steps :meth:`sandbox_only` and :meth:`may_write` skipped against a live target, in order
    skipped: list[Skipped] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_fields(self)
        if self.initial is None:
            self.initial = self.credentials
        self._closed = False

    def credentials_as(self, kind: type[C]) -> C:
        """The credentials, typed as ``kind`` (``target.credentials_as(AcmeCredentials).issuer`` is typed).

        :raises ConfigError: they are another provider's.
        """
        if not isinstance(self.credentials, kind):
            raise ConfigError(
                f"{self.provider.name} credentials are {type(self.credentials).__name__}, not {kind.__name__}"
            )
        return self.credentials

    @property
    def closed(self) -> bool:
        """True after :meth:`close`: the sandbox no longer answers."""
        return self._closed

    def _again(self) -> str:
        return f"run kit.connect({self.provider.name!r}, ...) again, or the notebook from its first cell"

    def _explain(self) -> str:
        """The note a transport error carries: where a live URL came from, or that the sandbox was stopped."""
        if self.mode == "live":
            return f"the base URL comes from {env_name(self.provider.name, 'url')}"
        if self._closed:
            return f"this {self.provider.name} sandbox was stopped by target.close(); {self._again()}"
        return ""

    @checked
    def session(self, credentials: Credentials | None = None, **options: Any) -> Session[Any]:
        """A new journaling session with these (or the given) credentials; options go to the provider.

        ``journal_limit=N`` keeps at most N journal entries (any provider).

        :raises ConfigError: the target's sandbox was stopped.
        """
        if self._closed:
            raise ConfigError(f"this {self.provider.name} sandbox was stopped by target.close(); {self._again()}")
        used = credentials or self.credentials
        made = Made(self.typed.revision, made_in())
        wiring: Wiring = {
            "explain": self._explain,  # transport errors say where the URL came from, or that the sandbox stopped
            "hint": lambda error: self.hint(used, error, made),  # a refusal says which credential to look at
            "note": lambda: self.typed.stale(made),  # its repr says when the form changed since
        }
        if "journal_limit" in options:  # every session takes it, whatever its provider
            wiring["journal_limit"] = Journal.checked_limit(options.pop("journal_limit"))
        return self.provider.session(used, self.base_url, verify=self.verify, **options, **wiring)

    def httpx_auth(self, credentials: Credentials | None = None, **options: Any) -> HttpxAuth:
        """This target's auth for ``httpx.Client`` and ``httpx.AsyncClient`` (``kit[httpx]``): the flow a
        session would run, its token cache, bound to the target's origin; options as for :meth:`session`."""
        return self.session(credentials, **options).httpx_auth()

    def hint(self, used: Credentials, error: KitError, made: Made | None = None) -> str:
        """What to look at when ``error`` refused a session made with ``used`` (at ``made``): the fields that
        differ from what :func:`kit.connect` made (typed in the form, typed there before the last Submit or Reset,
        or changed in code), else where they all came from. Names fields, sources and the cell that made the
        session, never a value; empty for an error that is not a refusal."""
        if not isinstance(error, AuthError):
            return ""
        answer = " ".join(str(part) for part in (error.status, error.code) if part)
        initial = self.initial if self.initial is not None else used
        names = [f.name for f in used.fields()]
        changed = [n for n in names if getattr(used, n) != getattr(initial, n)]
        if changed:
            typed = {n: self.typed.where(n, getattr(used, n)) for n in changed}
            words = {"form": "in the form", "earlier": "in the form before its last Submit or Reset", "code": "in code"}
            said = [f"{n} ✎ changed {words[typed[n]]}" for n in changed]
            if "earlier" in typed.values():
                cell = f" (`{made.cell}`)" if made is not None and made.cell else ""
                fix = f"this session was made then and still holds that value: run the cell that made it{cell} again"
            elif "form" in typed.values():
                fix = "press Reset in the form or fix it"
            else:
                fix = "fix it, or use the value from " + ("the sandbox" if self.mode == "sandbox" else "its env var")
            return f"{'; '.join(said)} → {answer}; {fix}"
        set_ = [n for n in names if getattr(used, n) not in (None, "")]
        where = sorted({self.source_of(n) for n in set_})
        if self.mode == "sandbox":
            return f"no credential was changed (all from the sandbox) → {answer}: refused for what was asked"
        return f"no credential was changed ({', '.join(set_)} from {', '.join(where)}) → {answer}; check those env vars"

    def source_of(self, name: str) -> str:
        """Where credentials field ``name`` holds its value from: ``changed`` once it differs from ``initial``."""
        if self.initial is not None and getattr(self.credentials, name) != getattr(self.initial, name):
            return "changed"
        return self.sources.get(name, "sandbox" if self.mode == "sandbox" else "not set")

    @property
    def control(self) -> Control:
        """The sandbox's control API (settings, forged tokens, keys).

        :raises ConfigError: for a live target: kit cannot change a real provider's side.
        """
        if self.sandbox is None:
            raise ConfigError(f"{self.provider.name} is live: only a sandbox can be controlled from here")
        return self.sandbox.control

    @checked
    def sandbox_only(self, what: str) -> bool:
        """Whether a step only a sandbox can do (``what`` it does) runs: True against a sandbox; against a live
        target False, after a one-line note ("sandbox only: skipped against <url> (what)") kept in ``skipped``.

        ``if target.sandbox_only("drop the key that signed the cached token"): target.control.rotate_key()``
        """
        if self.mode == "sandbox":
            return True
        return self._skip(Skipped("sandbox only", what, redact(self.base_url)))

    @checked
    def may_write(self, what: str, allowed: bool) -> bool:
        """Whether a step that changes the account (``what`` it does) runs: always against a sandbox; against a
        live target only when ``allowed`` (a notebook's ``allow_live_writes`` parameter), else a note as
        :meth:`sandbox_only` shows, naming the parameter."""
        if self.mode == "sandbox" or allowed:
            return True
        remedy = "set allow_live_writes = True (papermill -p allow_live_writes True) to run it"
        return self._skip(Skipped("a write to the live account", what, redact(self.base_url), remedy))

    def _skip(self, note: Skipped) -> bool:
        self.skipped.append(note)
        note.show()
        return False

    def new_secret(self, purpose: str) -> Secret:
        """A fresh secret for ``purpose`` (a webhook secret, a new password): made by the sandbox, or
        here with :mod:`secrets` for a live target, as you would make one yourself. Never typed."""
        if self.sandbox is not None:
            return self.control.new_secret(purpose)
        return random_secret(self.provider.name, purpose)

    @property
    def ca(self) -> Any:
        """The sandbox's trustme CA (to sign a local webhook receiver), or None when live."""
        return self.sandbox.ca if self.sandbox is not None else None

    def env_vars(self) -> list[str]:
        """The env vars that switch this provider to live mode and carry its credentials."""
        return [env_name(self.provider.name, "url")] + [
            env_name(self.provider.name, f.name) for f in self.credentials.fields()
        ]

    def table(self) -> pd.DataFrame:
        """Mode, URL and every credentials field (secrets as fingerprints), where it came from, its env var."""
        from kit.tables import Table

        url_from = (
            "sandbox" if self.mode == "sandbox" else self.url_source or f"env {env_name(self.provider.name, 'url')}"
        )
        rows = [
            {"field": "mode", "value": self.mode, "from": "", "env var": ""},
            {
                "field": "base_url",
                "value": redact(self.base_url),
                "from": url_from,
                "env var": env_name(self.provider.name, "url"),
            },
        ]
        for f in self.credentials.fields():
            value = getattr(self.credentials, f.name)
            shown = (
                repr(value) if isinstance(value, Secret) else ("" if value is None else redact(str(value), key=f.name))
            )
            var = env_name(self.provider.name, f.name)
            rows.append({"field": f.name, "value": shown, "from": self.source_of(f.name), "env var": var})
        return Table(rows).set_index("field")

    def close(self) -> None:
        """Stop the sandbox (nothing for a live target). Not needed at the end of a notebook: the
        sandbox stops when the kernel exits, and a closing cell would break re-running any section."""
        self._closed = self.sandbox is not None
        if self.sandbox is not None:
            self.sandbox.stop()

    def _finish(self, ended_by: BaseException | None) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " stopped" if self._closed else ""
        return f"<Target {self.provider.name} {self.mode}{state} {redact(self.base_url)}>"

    def _repr_html_(self) -> str:
        state = " · stopped" if self._closed else ""
        title = html.escape(f"{self.provider.name}")
        return f"<p><b>{title}</b> · {self.mode}{state}</p>" + str(self.table()._repr_html_())
