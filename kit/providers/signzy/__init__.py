"""Signzy, the client side: a channel's session and what a channel does with it.

The auth (login, the token kept and renewed, the stale-token check, logout) is :mod:`.auth`, and its
facts are said there; here: the session, the channel's own id, logout, password change, child
channels, and the tables the notebook shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

from kit.auth.tokencache import TokenCache
from kit.auth.tokens import CachedToken
from kit.errors import ConfigError
from kit.providers.signzy.auth import Credentials, QueryTokenWarning, SignzyAuth, error_parser, login_request
from kit.secrets import Secret, fingerprint
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.wire import Wiring

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Credentials",
    "PROVIDER",
    "QueryTokenWarning",
    "SignzyAuth",
    "change_password",
    "create_child",
    "httpx_auth",
]
__all__ += ["delete_child", "error_parser", "list_children", "login_request", "login_table"]
__all__ += ["logout", "me", "session", "token_table"]


def login_table(credentials: Credentials, base_url: str, model: str = "channels") -> pd.DataFrame:
    """The login request as rows, the password masked."""
    from kit.tables import request_table

    return request_table(login_request(credentials, base_url, model))


def session(
    credentials: Credentials,
    base_url: str,
    *,
    verify: bool | str | None = None,
    model: str = "channels",
    transport: str = "header",
    ttl: int | None = None,
    cache: TokenCache | None = None,
    logout_on_close: bool = True,
    **wiring: Unpack[Wiring],
) -> Session[CachedToken]:
    """A journaling session that logs in on first use and logs out when it closes."""
    auth = SignzyAuth(credentials, base_url, model=model, transport=transport, ttl=ttl, cache=cache)
    s: Session[CachedToken] = Session(
        base_url, provider="signzy", auth=auth, verify=verify, error_parser=error_parser, **wiring
    )
    if logout_on_close:
        s.on_close(lambda: logout(s))
    return s


def _auth(s: Session[Any]) -> SignzyAuth:
    if not isinstance(s.auth, SignzyAuth):
        raise ConfigError("expected a Signzy session (kit.providers.signzy.session)")
    return s.auth


def me(s: Session[Any]) -> str:
    """The logged-in channel's id, as its login answer named it (logs in first if needed)."""
    _auth(s)
    token = s.require_token()
    if not token.subject:  # a token cached by an older kit, without the id: log in to learn it
        token = s.require_token("forced")
    return str(token.subject)


def logout(s: Session[Any]) -> None:
    """``POST /api/{model}/logout`` with the current token (204), and forget it; nothing if not logged in."""
    s.run(_auth(s).logout_flow())


def change_password(
    s: Session[Any], old: Secret | str, new: Secret | str, *, username: str | None = None
) -> Credentials:
    """Change the password (the old one is required), and the username if given; the new credentials.

    The docs say a channel's username and password can both be changed with the old password; the
    path is LoopBack's change-password (inferred), and the ``username`` field on it is kit's choice
    (see :func:`kit.facts`).
    """
    auth = _auth(s)
    old_s = Secret(old) if isinstance(old, str) else old
    new_s = Secret(new) if isinstance(new, str) else new
    body = {"oldPassword": old_s.reveal(), "newPassword": new_s.reveal()}
    if username is not None:
        body["username"] = username
    s.call("POST", f"api/{auth.model}/change-password", step="change password", json=body)  # 204, no body
    auth.credentials = auth.credentials.replace(
        password=new_s, **({"username": username} if username is not None else {})
    )
    return auth.credentials


def create_child(s: Session[Any], username: str, password: Secret | str, *, email: str) -> dict[str, Any]:
    """Create a child channel with the username, password and email this channel sets for it.

    The email is required: a channel is LoopBack's User model, which validates it (422 without one).
    """
    secret = Secret(password) if isinstance(password, str) else password
    result: dict[str, Any] = s.call(
        "POST",
        f"api/channels/{me(s)}/channels",
        step=f"create child {username}",
        json={"username": username, "password": secret.reveal(), "email": email},
    )
    return result


def delete_child(s: Session[Any], child_id: str) -> None:
    """Remove a child channel this channel created (LoopBack's relation delete); its tokens stop working."""
    s.call("DELETE", f"api/channels/{me(s)}/channels/{child_id}", step=f"delete child {child_id}")


def list_children(s: Session[Any]) -> pd.DataFrame:
    """The channels this channel created."""
    from kit.tables import Table

    return Table(
        s.call("GET", f"api/channels/{me(s)}/channels", step="list children"),
        columns=["id", "username", "email", "parentId"],
    )


def token_table(token: CachedToken) -> pd.DataFrame:
    """The token as kit keeps it: a fingerprint, the model, ttl and computed expiry (created + ttl)."""
    from kit.claims import utc
    from kit.tables import Table

    row = {"id": f"fp={fingerprint(token.access_token.reveal())}", "model": token.issued_for}
    return Table([{**row, "ttl": f"{token.lifetime:.0f} s", "expires (created + ttl)": utc(token.expires_at)}])


SCHEME = "channel login → opaque LoopBack token, raw in Authorization (or ?access_token=)"
BUSINESS = BusinessCall("GET", lambda s: f"api/channels/{me(s)}", options={"logout_on_close": False})

PROVIDER = Provider.of(__name__)
httpx_auth = PROVIDER.httpx_auth  # for httpx.Client and httpx.AsyncClient (kit[httpx])
