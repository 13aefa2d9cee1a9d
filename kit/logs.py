"""Redact what kit and its HTTP stack log, so DEBUG logs never show a secret.

urllib3 logs every request line at DEBUG, query string included, and a query can carry a token
(``?access_token=...``). A filter on each logger that can see a request rewrites the record's
message through :func:`kit.redact` before any handler formats it. Installed when kit is imported;
filters on a logger apply only to records created on that logger, hence the explicit list.
"""

from __future__ import annotations

import logging

from kit.secrets import redact

__all__ = ["LOGGERS", "RedactingFilter", "install"]

LOGGERS = (
    "kit",
    "kit.sandbox",
    "requests",
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "werkzeug",
)


class RedactingFilter(logging.Filter):
    """Replace a record's message with its redacted text; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        return True


_FILTER = RedactingFilter()


def install() -> None:
    """Attach the filter to every logger in LOGGERS (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
