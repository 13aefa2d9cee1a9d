"""Exports of the journal: HAR 1.2 files and curl command lines, both redacted.

HAR follows http://www.softwareishard.com/blog/har-12-spec/: every required field is present,
sizes unknown to requests are ``-1``, and kit's own fields start with ``_``: per entry ``_step``,
``_kind``, ``_action``, ``_reason``, ``_attempt``, ``_retryAfter`` and ``_error``; on the log
``_dropped``, the count of older entries the journal no longer kept (also said in ``comment``).
Every value is masked again as it is written, so a secret learned after an entry was recorded
does not appear either. A curl line replaces every masked value with an ``$ENV_VAR`` placeholder, so it
can be run after ``export ACME_TOKEN=...`` without the value ever being printed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from kit.arguments import ArgumentError, checked
from kit.files import replace_file
from kit.har.read import har_entries
from kit.record.entry import Entry
from kit.record.journal import Journal, Journaled, journal_of
from kit.secrets import MASKED
from kit.shell import ShellBlock, comment

__all__ = ["read_har", "to_curl", "to_har"]

_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")  # a variable name a shell expands as written
_SKIP_CURL = {"content-length", "connection", "accept-encoding", "user-agent"}


def _pairs(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in mapping.items()]


def _har_entry(recorded: Entry) -> dict[str, Any]:
    entry = recorded.masked()
    query = parse_qsl(urlsplit(entry.url).query, keep_blank_values=True)
    request: dict[str, Any] = {
        "method": entry.method,
        "url": entry.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(entry.request_headers),
        "queryString": [{"name": k, "value": v} for k, v in query],
        "headersSize": -1,
        "bodySize": len(entry.request_body.encode()) if entry.request_body else 0,
    }
    if entry.request_body:
        request["postData"] = {"mimeType": entry.request_headers.get("Content-Type", ""), "text": entry.request_body}
    content = {"size": len(entry.response_body.encode()), "mimeType": entry.response_type, "text": entry.response_body}
    har: dict[str, Any] = {
        "startedDateTime": entry.started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": round(entry.elapsed_ms, 3),
        "request": request,
        "response": {
            "status": entry.status if entry.status is not None else 0,
            "statusText": entry.reason,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(entry.response_headers),
            "content": content,
            "redirectURL": entry.response_headers.get("Location", ""),
            "headersSize": -1,
            "bodySize": content["size"] if entry.status is not None else -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(entry.elapsed_ms, 3), "receive": 0},
        "_step": entry.step,
        "_kind": entry.kind,
        "_action": entry.action,
        "_reason": entry.reason,
        "_attempt": entry.attempt,
        "_retryAfter": entry.retry_after,
    }
    if entry.error:
        har["_error"] = entry.error
    return har


def har(source: Journaled | Journal) -> dict[str, Any]:
    """The HAR 1.2 document of a session's journal, as a dict."""
    log = journal_of(source, "an export")
    document: dict[str, Any] = {
        "version": "1.2",
        "creator": {"name": "kit", "version": "0.1.0"},
        "entries": [_har_entry(e) for e in log.entries],
    }
    if log.dropped:
        document["comment"] = f"{log.dropped} earlier exchanges were dropped (journal limit {log.limit})"
        document["_dropped"] = log.dropped
    return {"log": document}


@checked
def to_har(source: Journaled | Journal, path: str | Path) -> Path:
    """Write the journal of ``source`` (a kit session or journal) as a HAR 1.2 file; return the path."""
    text = json.dumps(har(source), indent=2, ensure_ascii=False) + "\n"
    return replace_file(path, text, mode=0o666, exact=False, what="to_har: the file")


@checked
def read_har(path: str | Path) -> pd.DataFrame:
    """A HAR file (kit's or a browser's) as the journal's table, redacted again on the way in.

    :raises ConfigError: the file cannot be read or is not a HAR document, or an entry's field is
        unusable (the message names the entry and the field).
    """
    entries, dropped = har_entries(path)
    journal = Journal(limit=max(1, len(entries)))
    for entry in entries:
        journal.add(entry)
    journal.dropped = dropped
    return journal.table()


def _single(text: str) -> str:
    """``text`` single-quoted for a POSIX shell (``'`` as ``'\\''``): nothing in it expands, in bash or zsh,
    interactive or not (no ``$``, no backquote, no ``!`` history expansion)."""
    return "'" + text.replace("'", "'\\''") + "'" if text else ""


class _Words:
    """The shell words of one curl line: recorded text single-quoted, kit's own ``${<NAME>_…}`` the only
    expansions. A masked value becomes its placeholder only when the placeholder is the owner's (``prefix``):
    another provider's credential is never referenced, it stays masked."""

    def __init__(self, entry: Entry, prefix: str) -> None:
        self.entry = entry
        self.prefix = prefix
        self.names: list[str] = []  # the variables the line references, in order
        self.kept: list[str] = []  # the placeholders left masked (another provider's)

    def variable(self, name: str, operation: str = "") -> str:
        """``"${NAME}"`` (``operation``: ``%/`` for the URL without its last slash)."""
        if name not in self.names:
            self.names.append(name)
        return '"${' + name + operation + '}"'

    def word(self, text: str) -> str:
        """``text`` (masked) as one shell word: its masked values as ``"${NAME}"``, the rest single-quoted."""
        out: list[str] = []
        at = 0
        for match in MASKED.finditer(text):
            name = self.entry.placeholders.get(match.group(1), "SECRET_" + match.group(1).upper())
            if not self.prefix:
                self.prefix = name.split("_", 1)[0] + "_"  # an entry on its own: the first placeholder's owner
            if not name.startswith(self.prefix) or not _NAME.fullmatch(name):
                if name not in self.kept:
                    self.kept.append(name)
                continue  # left as the masked text, quoted with what surrounds it
            out += [_single(text[at : match.start()]), self.variable(name)]
            at = match.end()
        out.append(_single(text[at:]))
        return "".join(out) or "''"


@checked
def to_curl(entry: Entry | Journaled | Journal, index: int = -1) -> ShellBlock:
    """A curl command for one entry (or the ``index``-th entry of a session), secrets as ``${ENV}``,
    after the lines that fill them: a block to paste into a fresh bash or zsh.

    Given a session whose base URL is an origin (not one whose base carries an API version in its path),
    the curl line reaches it as ``${<PROVIDER>_URL%/}/path``, so the block goes where the env vars point
    (the sandbox ``kit sandbox serve`` started, or the live API), as ``kit token`` does.

    Everything recorded (the path, the query, header values, the body) is single-quoted: the only
    expansions in the block are kit's own ``${<PROVIDER>_…}`` references, and only the session's provider's
    (a masked value of another provider's stays masked); comment lines hold no control character.

    Before the curl line: a check that ``<PROVIDER>_URL`` and the credential env vars (the ones
    :func:`kit.connect` and ``kit token`` read) are set, with what to run when they are not; ``export
    <PROVIDER>_TOKEN="$(kit token <provider>)"`` naming the ``kit`` that really has kit (the venv's
    script; see :func:`kit.shell.kit_command`), so the token is fresh right before the call; and a comment for anything
    made per request (a signature), which ``kit token`` explains.
    """
    base = str(getattr(entry, "base_url", "") or "")  # a session's: the curl line then follows <NAME>_URL
    owner = str(getattr(entry, "provider", "") or "")
    from kit.credentials import env_name

    verify = getattr(entry, "verify", None)  # a session's: a CA bundle's path, when its sandbox serves TLS
    held = _header_credentials(entry, owner)
    if not isinstance(entry, Entry):
        log = journal_of(entry, "an export")
        owner = owner or (log.prefix.lower() if log.prefix != "KIT" else "")
        entries = log.entries
        if not -len(entries) <= index < len(entries):
            raise ArgumentError(f"to_curl: index {index} is not an entry (the journal holds {len(entries)})")
        entry = entries[index]
    entry = entry.masked()
    words = _Words(entry, owner.upper() + "_" if owner else "")
    url_var, rest = _from_env(entry.url, base, owner)
    target = (words.variable(url_var, "%/") if url_var else "") + words.word(rest)
    method = entry.method if _NAME.fullmatch(entry.method) else _single(entry.method)  # GET, POST: as they are
    parts = ["curl", "-X", method, target]
    if isinstance(verify, str) and held is not None:  # the bundle the sandbox exported, where its env says
        parts += ["--cacert", words.variable(env_name(owner, "ca_bundle"))]
    for name, value in entry.request_headers.items():
        if name.lower() in _SKIP_CURL:
            continue
        if held and value in held:  # a credential sent as it is (a tenant, an app id): from its env var
            parts += ["-H", _single(f"{name}: ") + words.variable(held[value])]
            continue
        parts += ["-H", words.word(f"{name}: {value}")]
    if entry.request_body:
        parts += ["--data-raw", words.word(entry.request_body)]
    whose = f"{owner}'s" if owner else "this provider's"
    kept = [comment(f"left masked: {name} is not {whose}, so this block never sends it") for name in words.kept]
    return ShellBlock("\n".join([*_how_to_fill(words.names, entry.url), *kept, " ".join(parts)]))


def _header_credentials(source: object, owner: str) -> dict[str, str] | None:
    """The session's credential values sent as they are in a header (its ``HEADER_FIELDS`` that are not secrets:
    a tenant, an app id), each with the env var :func:`kit.connect` reads it from; None when ``source`` is not a
    session of a registered provider (an entry on its own: nothing to read the variables from)."""
    from kit.credentials import Credentials, env_name
    from kit.providers import names as registered

    credentials = getattr(getattr(source, "auth", None), "credentials", None)
    if owner not in registered():
        return None
    if not isinstance(credentials, Credentials):
        return {}
    values = {f: getattr(credentials, f, None) for f in type(credentials).HEADER_FIELDS}
    return {value: env_name(owner, f) for f, value in values.items() if isinstance(value, str) and value}


def _from_env(url: str, base: str, owner: str) -> tuple[str, str]:
    """``(<OWNER>_URL, the rest of url)`` when ``base`` (the session's base URL) is an origin and ``url`` is
    under it and ``owner`` (the session's provider) is registered; else ``("", url)``."""
    from kit.credentials import env_name
    from kit.providers import names as registered

    parts = urlsplit(base)
    if owner not in registered() or parts.path not in ("", "/") or parts.query or not url.startswith(base):
        return "", url
    return env_name(owner, "url"), url[len(f"{parts.scheme}://{parts.netloc}") :]


def _how_to_fill(names: list[str], url: str) -> list[str]:
    """The shell lines before a curl line: check and fill each ``${NAME}`` it holds."""
    if not names:
        return []
    from kit.credentials import env_name
    from kit.providers import names as registered
    from kit.providers import provider
    from kit.shell import kit_command, working_folder

    kit = kit_command()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    where = "" if kit.startswith("/") else f" in {working_folder()}/ (where kit ran: {kit} is relative to it)"
    token = (
        ": the token is fetched right before the call (it is short-lived)"
        if any(n.endswith("_TOKEN") for n in names)
        else ""
    )
    lines = [comment(f"paste into bash or zsh{where}{token}")]
    owners = list(dict.fromkeys(n.split("_", 1)[0].lower() for n in names))
    fills: list[str] = []
    for owner in owners:
        if owner not in registered():
            continue
        spec = provider(owner)
        url_var = env_name(owner, "url")
        fields = {env_name(owner, f.name) for f in spec.credentials.fields()}
        credentials = any(n.startswith(owner.upper() + "_") and n != url_var for n in names)  # the line needs them
        needed = [url_var] + [
            env_name(owner, f.name)
            for f in spec.credentials.fields()
            if credentials and spec.credentials.is_required(f)
        ]
        needed += [n for n in names if n in fields and n not in needed]  # a credential the line itself holds
        needed += [n for n in names if n == env_name(owner, "ca_bundle") and n not in needed]  # a TLS sandbox's CA
        lines.append(
            comment(
                f"{env_name(owner, 'url')} and the credentials, as kit.connect reads them (this call went to {origin});"
                f" for a sandbox: {kit} sandbox serve {owner} --write-env {owner}.env, then: source {owner}.env"
            )
        )
        lines.append(": " + " ".join(f'"${{{var}:?set {var} first}}"' for var in needed))
    for name in names:
        owner = name.split("_", 1)[0].lower()
        known = owner in registered()
        fields = {env_name(owner, f.name) for f in provider(owner).credentials.fields()} if known else set()
        if known and name in (env_name(owner, "url"), env_name(owner, "ca_bundle")):
            continue  # checked above with the credentials
        if name.endswith("_TOKEN") and known:
            fills.append(f'export {name}="$({kit} token {owner})"')
        elif name in fields:
            continue  # checked above: the env var kit.connect reads
        elif known:
            fills.append(comment(f"{name}: made for each request; {kit} token {owner} says how"))
        else:
            fills.append(comment(f"{name}: set it first (export {name}=...)"))
    return lines + fills
