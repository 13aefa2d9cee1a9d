"""kit: explore, step by step, how API providers authenticate their clients.

Start with :func:`connect`, which picks a local sandbox or the live provider; everything a
session sends is in :func:`journal`, exportable with :func:`to_har` and :func:`to_curl`.
"""

from kit.auth.redis_cache import RedisTokenCache
from kit.auth.tokencache import MemoryTokenCache
from kit.auth.tokens import CachedToken
from kit.cache_stats import cache_stats
from kit.claims import claims, claims_diff
from kit.compare import timeline
from kit.conformance import conformance, known_differences
from kit.connect import connect
from kit.credentials import Credentials
from kit.error_box import install as _install_error_box
from kit.errors import ApiError, AuthError, ConfigError, KitError, SandboxError, TransportError
from kit.forms import CredentialsForm, credentials_form
from kit.logs import install as _install_log_redaction
from kit.probes import failure_modes
from kit.providers import facts
from kit.record.export import read_har, to_curl, to_har
from kit.record.journal import journal, sent
from kit.record.replay import replay, replay_change
from kit.redis_server import RedisServer
from kit.refusals import refused
from kit.secrets import Secret, fingerprint, redact
from kit.sequence import sequence
from kit.session import Session
from kit.sidebyside import side_by_side
from kit.tables import Table
from kit.target import Target
from kit.webhooks import WebhookReceiver

__version__ = "0.1.0"
_install_log_redaction()
_install_error_box()  # in IPython: a KitError shows as a short box, not a traceback through kit

__all__ = [
    "ApiError",
    "AuthError",
    "CachedToken",
    "ConfigError",
    "Credentials",
    "CredentialsForm",
    "KitError",
    "MemoryTokenCache",
    "RedisServer",
    "RedisTokenCache",
    "SandboxError",
    "Secret",
    "Session",
    "Table",
    "Target",
    "TransportError",
    "WebhookReceiver",
    "cache_stats",
    "claims",
    "claims_diff",
    "conformance",
    "connect",
    "credentials_form",
    "facts",
    "failure_modes",
    "fingerprint",
    "journal",
    "known_differences",
    "read_har",
    "redact",
    "refused",
    "replay",
    "replay_change",
    "sent",
    "sequence",
    "side_by_side",
    "timeline",
    "to_curl",
    "to_har",
]
