"""Writing a file a person named, safely: never through a link, never into someone else's file.

:func:`replace_file` writes the text to a new file beside ``path`` (created with ``O_CREAT | O_EXCL |
O_NOFOLLOW``, so nothing already there, a planted symlink included, is opened), gives it ``mode``, and
renames it over ``path``: a reader sees the old file or the new one, and a descriptor someone holds on
the old file never sees the new text. ``path`` itself is refused when it is a symlink, a FIFO or another
non-regular file, or belongs to another user (a shared folder): a :class:`~kit.errors.ConfigError` in one
line, and nothing is written.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from kit.errors import ConfigError

__all__ = ["replace_file"]


def _refusal(path: Path) -> str | None:
    """Why ``path`` must not be replaced (None: it is absent, or a regular file of this user)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link (kit does not write through it)"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a FIFO, a device or a folder)"
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    return None


def replace_file(
    path: str | os.PathLike[str], text: str, *, mode: int = 0o600, exact: bool = True, what: str = "the file"
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` as a new file of ``mode``, renamed over any old one; return the path.

    ``exact``: the file gets ``mode`` whatever the umask (a file of credentials); else the umask narrows it,
    as for any file a program writes.

    :raises ConfigError: ``path`` is a link, not a regular file, another user's, or cannot be written.
    """
    target = Path(path)
    why = _refusal(target)
    if why is not None:
        raise ConfigError(f"{what} {str(target)!r} {why}: choose another path")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as exc:
        raise ConfigError(f"{what} {str(target)!r} cannot be written: {exc.strerror or type(exc).__name__}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            if exact:
                os.fchmod(out.fileno(), mode)  # the umask narrowed it at most; say it exactly
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        why = _refusal(target)  # something planted at path meanwhile is refused, not replaced
        if why is not None:
            raise ConfigError(f"{what} {str(target)!r} {why}: choose another path")
        os.replace(temporary, target)
    except OSError as exc:
        raise ConfigError(f"{what} {str(target)!r} cannot be written: {exc.strerror or type(exc).__name__}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return target
