"""The base of every provider's credentials dataclass.

Fields annotated ``Secret`` accept plain strings and are wrapped on construction, named after
the env var they come from (``ACME_SECRET``), so the value is registered for redaction and
curl placeholders. Env var names follow one rule for every provider: ``<PROVIDER>_<FIELD>``.

Every text value is checked when the credentials are built: leading or trailing whitespace (a
newline read from a file is the usual culprit) or a control character is a
:class:`~kit.errors.ConfigError` naming the field and where the value came from (env var, form,
sandbox, code), never the value. kit does not strip silently: a secret that differs from the one
the provider issued would fail later, far from its cause. Fields marked ``multiline`` in their
metadata (PEM keys) may hold newlines.
"""

from __future__ import annotations

import dataclasses
import secrets as _random
import unicodedata
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from kit.arguments import checked
from kit.environment import Environment
from kit.errors import ConfigError
from kit.secrets import Secret, reveal

__all__ = ["Credentials", "MULTILINE", "env_name"]

#: ``dataclasses.field(metadata=MULTILINE)`` for a field whose value may hold newlines (a PEM key)
MULTILINE = {"multiline": True}


def env_name(provider: str, field: str) -> str:
    """``env_name("acme", "secret") == "ACME_SECRET"``."""
    return f"{provider}_{field}".upper()


def random_secret(provider: str, purpose: str) -> Secret:
    """A fresh secret of 32 random bytes (URL-safe text) for ``purpose`` (a webhook secret, a new
    password), named ``<PROVIDER>_<PURPOSE>`` in redactions and curl placeholders."""
    return Secret(_random.token_urlsafe(32), name=env_name(provider, "_".join(purpose.split()) or "secret"))


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


@dataclasses.dataclass(frozen=True)
class Credentials:
    """Base class: subclasses are frozen dataclasses and set ``PROVIDER``."""

    PROVIDER: ClassVar[str] = ""
    #: fields sent as HTTP header values: they must be latin-1 text (what a header can carry)
    HEADER_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        type(self).check({f.name: getattr(self, f.name) for f in self.fields()}, "code")
        for field in self.fields():
            value = getattr(self, field.name)
            if self.is_secret(field) and value is not None and not isinstance(value, Secret):
                object.__setattr__(self, field.name, Secret(str(value), name=env_name(self.PROVIDER, field.name)))

    @classmethod
    def fields(cls) -> tuple[dataclasses.Field[Any], ...]:
        return dataclasses.fields(cls)

    @staticmethod
    def is_secret(field: dataclasses.Field[Any]) -> bool:
        return "Secret" in str(field.type)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # IPython prefers a class's own __repr__ (a dataclass writes one) to a base's _repr_pretty_: give it its own
        cls._repr_pretty_ = Credentials._repr_pretty_  # type: ignore[method-assign]

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's plain text (a runner's log): one field a line, as a notebook wraps a long line anywhere."""
        fields = "".join(f"    {f.name}={getattr(self, f.name)!r},\n" for f in self.fields())
        printer.text(f"{type(self).__name__}(\n{fields})")

    def _repr_html_(self) -> str:
        """In a notebook: a kit table of the fields, each value as its repr shows it (a secret masked)."""
        from kit.tables import Table

        rows = [{"field": f.name, "value": repr(getattr(self, f.name))} for f in self.fields()]
        return str(Table(rows, columns=["field", "value"]).set_index("field")._repr_html_())

    @classmethod
    def is_required(cls, field: dataclasses.Field[Any]) -> bool:
        return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING

    @classmethod
    def check(cls, values: Mapping[str, Any], source: str, where: Mapping[str, str] | None = None) -> None:
        """Refuse text values with surrounding whitespace or control characters, naming field and source
        (``where``: each field's own source, as a refusal names it, when they differ).

        :raises ConfigError: never quoting the value.
        """
        for field in cls.fields():
            text = reveal(values.get(field.name))
            if not isinstance(text, str) or field.metadata.get("multiline"):
                continue
            problem = (
                "has leading or trailing whitespace (a newline from a file?)"
                if text != text.strip()
                else "holds a control character"
                if any(unicodedata.category(ch) == "Cc" for ch in text)
                else "holds a character an HTTP header cannot carry (beyond latin-1)"
                if field.name in cls.HEADER_FIELDS and not _latin1(text)
                else ""
            )
            if problem:
                named = (where or {}).get(field.name) or (
                    f"env var {env_name(cls.PROVIDER, field.name)}" if source == "env" else source
                )
                message = f"{cls.PROVIDER} {field.name} from {named} {problem}; fix it there (kit never strips it)"
                raise ConfigError(message)

    @classmethod
    def register_secrets(cls, env: Mapping[str, str]) -> None:
        """Register the value of each secret field that ``env`` sets (``<PROVIDER>_<FIELD>``) for masking,
        before anything else is read or said: a secret pasted into the wrong variable (the URL's) is then
        masked in the refusal that names that variable."""
        for field in cls.fields():
            value = env.get(env_name(cls.PROVIDER, field.name), "") if cls.is_secret(field) else ""
            if value.strip():
                Secret(value.strip(), name=env_name(cls.PROVIDER, field.name))
                Secret(value, name=env_name(cls.PROVIDER, field.name))

    @classmethod
    def of(cls, *args: Any, **values: Any) -> Self:
        """``cls(**values)``, typed for values as given: a secret may be a plain str (it becomes a Secret
        named after its env var, as the constructor does with any str)."""
        return cls(*args, **values)

    @classmethod
    @checked
    def from_mapping(
        cls, data: Mapping[str, Any], *, source: str = "input", where: Mapping[str, str] | None = None
    ) -> Self:
        """Build from a mapping of field names; empty values count as absent.

        :raises ConfigError: a required field is missing or a key is unknown (names only, never values).
        """
        names = {f.name for f in cls.fields()}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"{cls.PROVIDER} credentials have no field {', '.join(unknown)}")
        values = {k: v for k, v in data.items() if v not in (None, "")}
        missing = [f.name for f in cls.fields() if cls.is_required(f) and f.name not in values]
        if missing:
            raise ConfigError(f"{cls.PROVIDER} credentials from {source} lack {', '.join(missing)}")
        cls.check(values, source, where)
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Self:
        """Read ``<PROVIDER>_<FIELD>`` for every field (from env vars, or a :class:`kit.environment.Environment`
        that adds a ``.env`` file's values and names the file in a refusal)."""
        data = {f.name: environ.get(env_name(cls.PROVIDER, f.name), "") for f in cls.fields()}
        missing = [env_name(cls.PROVIDER, f.name) for f in cls.fields() if cls.is_required(f) and not data[f.name]]
        if missing:
            where = f" (nor in {environ.file.name})" if isinstance(environ, Environment) and environ.file else ""
            raise ConfigError(f"live {cls.PROVIDER} needs the env vars {', '.join(missing)}{where}")
        named = (
            {f.name: environ.where(env_name(cls.PROVIDER, f.name)) for f in cls.fields()}
            if isinstance(environ, Environment)
            else None
        )
        return cls.from_mapping(data, source="env", where=named)

    def plain(self) -> dict[str, Any]:
        """Field values with secrets revealed, e.g. to build a request. Never display this."""
        return {f.name: reveal(getattr(self, f.name)) for f in self.fields()}

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)
