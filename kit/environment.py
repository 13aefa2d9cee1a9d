"""Where ``<PROVIDER>_*`` values come from: the process's env vars, and a ``.env`` file beside them.

A ``.env`` file is the ecosystem's habit for local secrets (python-dotenv reads it; it stays out of
git). :class:`Environment` reads one provider's ``<PROVIDER>_*`` values from it with python-dotenv and
lays the process's env vars over them, as ``load_dotenv()`` does by default (an env var set in the
shell wins). It remembers where each value came from, so a table or a form can say
``.env ACME_SECRET`` or ``env ACME_SECRET``, and a refusal names the file, never a value.
Nothing read from the file enters ``os.environ``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from dotenv import dotenv_values

from kit.errors import ConfigError

__all__ = ["MAX_ENV_BYTES", "Environment"]

#: the largest .env file kit reads (bytes): far beyond any provider's few lines, far below a mistake's size
MAX_ENV_BYTES = 1_000_000


class Environment(Mapping[str, str]):
    """Env vars (``environ``, default ``os.environ``) over the ``prefix``-named values of ``env_file``."""

    def __init__(
        self, environ: Mapping[str, str] | None = None, *, env_file: str | os.PathLike[str] | None = None, prefix: str
    ) -> None:
        self.environ = os.environ if environ is None else environ
        self.file = Path(env_file) if env_file is not None else None
        self._from_file: dict[str, str] = {}
        if self.file is not None:
            if not self.file.is_file():
                raise ConfigError(f"env_file {str(self.file)!r} is not a file (a .env file of {prefix}_* lines)")
            try:
                with open(self.file, "rb") as stream:
                    raw = stream.read(MAX_ENV_BYTES + 1)  # bounded, as a HAR file is: never read whole first
                if len(raw) > MAX_ENV_BYTES:
                    raise ConfigError(
                        f"env_file {str(self.file)!r} is larger than {MAX_ENV_BYTES // 1000} kB: kit does not read it "
                        "(a .env file holds a few lines)"
                    )
                values = dotenv_values(stream=io.StringIO(raw.decode("utf-8")), interpolate=False)
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"env_file {str(self.file)!r} cannot be read: {type(exc).__name__}") from None
            self._from_file = {
                key: value
                for key, value in values.items()
                if key.startswith(prefix + "_") and value is not None and key not in self.environ
            }

    def __getitem__(self, key: str) -> str:
        if key in self.environ:
            return self.environ[key]
        return self._from_file[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.environ
        yield from (key for key in self._from_file if key not in self.environ)

    def __len__(self) -> int:
        return len(self.environ) + len(self._from_file)

    def label(self, var: str) -> str:
        """Where ``var`` comes from: ``.env ACME_SECRET`` (the file's name) or ``env ACME_SECRET``."""
        if var in self._from_file and self.file is not None:
            return f"{self.file.name} {var}"
        return f"env {var}"

    def where(self, var: str) -> str:
        """``var`` as a refusal names it: ``env var ACME_SECRET`` or ``ACME_SECRET in .env``."""
        if var in self._from_file and self.file is not None:
            return f"{var} in {self.file.name}"
        return f"env var {var}"

    def __repr__(self) -> str:  # never the values
        source = f", env_file={str(self.file)!r}" if self.file is not None else ""
        return f"Environment({len(self._from_file)} value(s) from the file{source})"
