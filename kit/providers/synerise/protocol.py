"""Synerise on the wire (CONFIRMED, shared notes section 3, except where marked INFERRED)."""

#: where the live API is (what <PROVIDER>_URL is set to)
LIVE_URL = "https://api.synerise.com/"
API_VERSION = "4.4"
EXPIRED = "Token expired."  # the 401 error text on which the official plugin retries once
#: consumer type -> (login path, refresh (method, path) or None); no user refresh path is documented (INFERRED)
CONSUMERS: dict[str, tuple[str, tuple[str, str] | None]] = {
    "workspace": ("uauth/v2/auth/login/profile", ("GET", "v4/auth/refresh/profile")),
    "client": ("sauth/v3/auth/login/client", ("POST", "sauth/v3/auth/refresh/client")),
    "user": ("uauth/auth/login/user", None),
}
LEGACY_WORKSPACE_LOGIN = "v4/auth/login/profile"
#: INFERRED: where the public key is published is not documented; the sandbox serves it at a kit path
PUBLIC_KEY_PATH = "kit-sandbox/synerise/public-key.pem"
#: INFERRED: a user selects a workspace after logging in, and only then holds a token with the workspace and
#: the user's permissions (the docs say the token carries both); the path is undocumented, so the sandbox
#: serves it at a kit path, and kit calls it only when a ``user_workspace`` is configured
SELECT_WORKSPACE_PATH = "kit-sandbox/synerise/user/select-workspace/{workspace}"
#: identity providers a customer may log in with (CONFIRMED: SYNERISE, FACEBOOK, OAUTH, APPLE, "…")
#: the sandbox's demo workspace and its first customer (what the document's path examples name)
DEMO_WORKSPACE = 101
DEMO_CLIENT = "client-0001"
IDENTITY_PROVIDERS = ("SYNERISE", "FACEBOOK", "OAUTH", "APPLE", "GOOGLE")
#: INFERRED: the API-key permission check (path from the PHP SDK's Uauth library; body and answer kit's)
KEY_CHECK_PATH = "uauth/api-key/permission-check"
#: a user's multi-factor confirmation (CONFIRMED, the user-login page): POST here with ``?mfaType=…``, the login's
#: token as Bearer and ``{"verificationCode": …}``; the answer is the login's
MFA_PATH = "uauth/auth/login/user/mfa/verification"
MFA_TYPES = ("TOTP_AUTHENTICATOR", "EMAIL")  # the IAM reference's enum
#: after a confirmed login a device (the ``deviceId`` sent) needs no code for 8 hours (CONFIRMED, the user-login page)
TRUSTED_FOR = 8 * 3600
#: Basic authentication of a workspace (CONFIRMED, the profile-login page and the PHP SDK's
#: BasicAuthenticationProvider.php): ``Authorization: Basic base64(<workspace GUID>:<API key>)``, no expiry
BASIC_FIELDS = ("workspace_guid", "workspace_api_key")
#: the TrackerKey scheme (CONFIRMED, the IAM reference's security schemes): the tracker key in a ``token`` query
#: parameter
TRACKER_PARAMETER = "token"
