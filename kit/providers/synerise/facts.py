"""Synerise: every fact kit's client, sandbox and probes rely on, and where it comes from."""

from __future__ import annotations

from kit.provenance import HTTP, Fact, Registry

__all__ = ["FACTS"]

_PROFILE = "https://help.synerise.com/developers/api/api-authorization/profile-login/"
_USER = "https://help.synerise.com/developers/api/api-authorization/user-login/"
_IAM = "https://developers.synerise.com/IdentityandAccessManagement/IdentityandAccessManagement.html"
_REF = "https://hub.synerise.com/api-reference/authorization"
_INTRO = "https://help.synerise.com/developers/api/api-authorization/"
_PHP = "https://github.com/Synerise/php-sdk/blob/f8b9074"
_MAGENTO = "https://github.com/Synerise/magento2-integration/blob/13b8197/SyneriseApi/Sender/AbstractSender.php"
_SPRING = "https://docs.spring.io/spring-security/reference/servlet/oauth2/resource-server/jwt.html"
_KIT = "kit's path: the user-login page documents the step, and its path is in none of the pages kit holds"
_SECURITY = "https://hub.synerise.com/docs/settings/your-account/account-security"
_BASIC = f"{_PHP}/src/Api/Authentication/BasicAuthenticationProvider.php"
_RFC6238 = "https://www.rfc-editor.org/rfc/rfc6238"

FACTS = Registry(
    "synerise",
    [
        # -- logins and refreshes -------------------------------------------------------------
        Fact(
            "workspace-login",
            "a workspace logs in with POST /uauth/v2/auth/login/profile {apiKey} → {token}",
            "documented",
            "help.synerise.com, Profile login",
            _PROFILE,
        ),
        Fact(
            "workspace-login-v4",
            "the v4 gateway's workspace login is POST /v4/auth/login/profile",
            "inferred",
            "Synerise's PHP SDK (Auth/Login/Profile/ProfileRequestBuilder.php)",
            _PHP,
        ),
        Fact(
            "workspace-refresh",
            "GET /v4/auth/refresh/profile with the current token renews it",
            "inferred",
            "Synerise's PHP SDK (Auth/Refresh/Profile/ProfileRequestBuilder.php)",
            _PHP,
            column="renewal",
        ),
        Fact(
            "customer-login",
            "a customer logs in with POST /sauth/v3/auth/login/client {apiKey, identityProvider, …}",
            "documented",
            "hub.synerise.com, API reference: Authorization",
            _REF,
        ),
        Fact(
            "customer-password",
            "a SYNERISE customer's login carries email and password",
            "inferred",
            "the login body's listed fields stop at the identity (password is the SYNERISE identity's proof)",
        ),
        Fact(
            "idp-create",
            "a login through another identity provider creates the account",
            "documented",
            "hub.synerise.com, API reference: Authorization",
            _REF,
        ),
        Fact(
            "idp-list",
            "identity providers include SYNERISE, FACEBOOK, OAUTH and APPLE",
            "documented",
            "hub.synerise.com, API reference: Authorization",
            _REF,
        ),
        Fact(
            "idp-google",
            "GOOGLE is accepted as a customer identity provider",
            "inferred",
            "the reference's list ends in an ellipsis and the user login takes externalProviderType GOOGLE",
            _USER,
        ),
        Fact(
            "idp-token",
            "the sandbox accepts kit-idp:<PROVIDER>:<email> as a provider's token",
            "kit's choice",
            "the sandbox has no Facebook or Apple to ask",
        ),
        Fact(
            "customer-refresh",
            "POST /sauth/v3/auth/refresh/client {apiKey} with the current, valid token",
            "documented",
            "hub.synerise.com, API reference: Authorization (refresh)",
            _REF,
        ),
        Fact(
            "user-login",
            "a user logs in with POST /uauth/auth/login/user {username, password}",
            "documented",
            "help.synerise.com, User login",
            _USER,
        ),
        Fact(
            "select-workspace",
            "a user selects a workspace before acting in it",
            "documented",
            "help.synerise.com, User login",
            _USER,
            answers=("403 Forbidden",),
        ),
        Fact(
            "user-mfa",
            "a user whose login lists mfaMethods confirms with POST /uauth/auth/login/user/mfa/verification"
            "?mfaType=TOTP_AUTHENTICATOR, the login's token as Bearer, {verificationCode}, then selects a workspace",
            "documented",
            "help.synerise.com, User login (Confirming multi-factor authentication)",
            _USER,
        ),
        Fact(
            "mfa-mandatory",
            "two-factor authentication is mandatory for every Synerise user (an authenticator app or an e-mailed code)",
            "documented",
            "hub.synerise.com, Account Security",
            _SECURITY,
        ),
        Fact(
            "totp",
            "the authenticator code is a TOTP: HMAC-SHA1, 6 digits, 30 s steps",
            "inferred",
            "Account Security asks for any Time-Based One Time Password app (Google or Microsoft Authenticator), "
            "which compute RFC 6238's defaults",
            _RFC6238,
        ),
        Fact(
            "mfa-code",
            "a wrong code, or a code already accepted once, is 401",
            "inferred",
            "RFC 6238 section 5.2 (a verifier must not accept the same code twice), the status of a refused login",
            _RFC6238,
            answers=("401 Unauthorized",),
        ),
        Fact(
            "mfa-first",
            "a user token not yet confirmed cannot select a workspace (403)",
            "inferred",
            "the user-login page: confirm MFA when mfaMethods is not empty, then select a workspace",
            _USER,
            answers=("403 Forbidden",),
        ),
        Fact(
            "demo-mfa",
            "the sandbox's demo user confirms with a TOTP; the user_mfa setting turns it off",
            "kit's choice",
            "every Synerise user has 2FA (Account Security), so the demo user has it and the story shows the step",
        ),
        Fact(
            "workspace-basic",
            "a workspace may send Authorization: Basic base64(<workspace GUID>:<API key>) instead of a token, "
            "no expiry",
            "documented",
            "help.synerise.com, Profile login, as the PHP SDK sends it (BasicAuthenticationProvider.php)",
            _PROFILE,
        ),
        Fact(
            "basic-wrong",
            "a wrong GUID or API key in Basic is 401",
            "inferred",
            "the status of a wrong API key at the workspace login",
            _BASIC,
            answers=("401 Unauthorized",),
        ),
        Fact(
            "tracker-key",
            "a TrackerKey scheme sends a tracker key in the token query parameter",
            "documented",
            "developers.synerise.com, Identity and Access Management (Authentication: TrackerKey)",
            _IAM,
        ),
        Fact(
            "select-path",
            "the selection is POST /kit-sandbox/synerise/user/select-workspace/{id}",
            "kit's choice",
            _KIT,
        ),
        Fact(
            "no-user-refresh",
            "a user logs in again instead of refreshing",
            "kit's choice",
            "Synerise documents no user refresh path",
        ),
        Fact(
            "refresh-before-expiry",
            "refresh must happen while the current token is still valid",
            "documented",
            "developers.synerise.com, Identity and Access Management",
            _IAM,
        ),
        # -- tokens -----------------------------------------------------------------------------
        Fact(
            "rs512",
            "tokens are JWTs signed RS512",
            "documented",
            "help.synerise.com, Introduction to API Authorization",
            _INTRO,
            column="signing algorithm",
        ),
        Fact(
            "lifetime",
            "a token lives 1 hour by default (the sandbox's default lifetime)",
            "documented",
            "help.synerise.com, Introduction to API Authorization (Token lifetime), and the Nov 2024 Identity and "
            "Access Management reference: one hour unless configured differently",
            _INTRO,
            column="lifetime",
        ),
        Fact(
            "lifetime-week",
            "the newest reference says a token lives one week by default, set in the workspace's settings "
            "(the sandbox's lifetime setting takes up to a week)",
            "documented",
            "developers.synerise.com, Identity and Access Management (Dec 2024)",
            _IAM,
        ),
        Fact(
            "payload",
            "the payload identifies the consumer, its origin and expiry",
            "documented",
            "help.synerise.com, Introduction to API Authorization",
            _INTRO,
        ),
        Fact(
            "user-workspace",
            "only a user token carries the selected workspace and its permissions",
            "documented",
            "help.synerise.com, Introduction to API Authorization",
            _INTRO,
        ),
        Fact(
            "claim-names",
            "the claim names sub, realm, origin, bpid and permissions",
            "inferred",
            "the refresh answer's realm and origin fields (the docs name no claims)",
            _REF,
        ),
        Fact(
            "claim-ctd",
            "ctd is the creation time in epoch milliseconds",
            "inferred",
            "the docs' mangled sample token",
            _IAM,
        ),
        Fact(
            "public-key",
            "the public key verifies signatures; the sandbox serves it at a kit path",
            "kit's choice",
            "the docs say the public key verifies tokens but not where it is published",
        ),
        Fact(
            "api-version",
            "calls send Api-Version: 4.4",
            "documented",
            "developers.synerise.com, Identity and Access Management (examples)",
            _IAM,
            column="sent on each call",
        ),
        # -- refusals ---------------------------------------------------------------------------
        Fact(
            "spring-error",
            "errors are Spring's body {timestamp, status, error, message, path, errors}",
            "inferred",
            "Synerise's PHP SDK model (HTTP400.php)",
            f"{_PHP}/lib/Authentication/Models/HTTP400.php",
        ),
        Fact(
            "wrong-key",
            "a wrong API key or password: 401",
            "inferred",
            "the Magento 2 plugin (Authenticator.php) and the PHP SDK (login maps 401)",
            _MAGENTO,
            answers=("401 Unauthorized",),
        ),
        Fact(
            "token-expired",
            'an expired token: 401 with error "Token expired."',
            "inferred",
            "Synerise's Magento 2 plugin (AbstractSender.php isTokenExpired)",
            _MAGENTO,
            answers=("401 Token expired.",),
            column="expiry signalled as",
        ),
        Fact(
            "bad-token-403",
            "an invalid or expired token may be answered 403 as well as 401",
            "inferred",
            "Synerise's PHP SDK maps 401 and 403 of refresh to its error model",
            _PHP,
            answers=("403 Token expired.",),
        ),
        Fact(
            "renew-on-both",
            'kit renews and retries once on "Token expired.", with 401 or 403',
            "kit's choice",
            "as the Magento plugin retries once, and either status may carry it",
        ),
        Fact(
            "no-token",
            "no token: 401 Full authentication is required",
            "inferred",
            "Spring Security's answer without authentication",
            _SPRING,
            answers=("401 Unauthorized",),
        ),
        Fact(
            "invalid-token",
            "a token that does not verify (alg none, another key): 401",
            "inferred",
            "RS512 is documented, the answer to another algorithm is not",
            _INTRO,
            answers=("401 Unauthorized",),
        ),
        Fact(
            "consumer-403",
            "a consumer type the endpoint is not for: 403",
            "kit's choice",
            "kit's demo endpoints show a 403 across consumer types",
            answers=("403 Forbidden",),
        ),
        Fact(
            "uuid-403",
            "a customer login naming another customer's uuid: 403",
            "kit's choice",
            "a customer never gets another customer's identity (Synerise documents no answer)",
            answers=("403 Forbidden",),
        ),
        Fact(
            "permissions-checked",
            "a user's permissions are checked on each call (kit's names)",
            "inferred",
            "the token carries the permissions (documented), names such as CLIENTS_READ are kit's",
            _INTRO,
            answers=("403 Forbidden",),
        ),
        Fact(
            "key-permissions",
            "an API key has permissions of its own, checked on each call",
            "inferred",
            "permissions can be set for API keys (Identity and Access Management)",
            _IAM,
            answers=("403 Forbidden",),
        ),
        Fact(
            "key-check",
            "POST /uauth/api-key/permission-check answers an API key's permissions",
            "inferred",
            "Synerise's PHP SDK Uauth library names the path (the body and answer are kit's)",
            _PHP,
            answers=("401 Unauthorized",),
        ),
        Fact(
            "no-auth-endpoints",
            "some endpoints need only an API key, some no authorization",
            "documented",
            "developers.synerise.com, Identity and Access Management",
            _IAM,
        ),
        Fact(
            "demo-endpoints",
            "GET /v4/business-profile, /v4/clients, /v4/clients/{id} and /sauth/my-account/personal-information",
            "kit's choice",
            "demo endpoints to show the consumer types and permissions",
            answers=("404 Not Found",),
        ),
        Fact(
            "routes-404-405",
            "an unknown path is 404, a wrong method 405",
            "inferred",
            "Spring MVC's answers",
            answers=("404 Not Found", "405 Method Not Allowed"),
        ),
        Fact(
            "validation-400",
            "a body that is not a JSON object, or a missing or unknown field: 400",
            "inferred",
            "Spring's validation errors (the errors list of HTTP400.php)",
            f"{_PHP}/lib/Authentication/Models/HTTP400.php",
            answers=("400 Bad Request",),
        ),
        Fact(
            "no-revocation",
            "a token lives until exp: nothing revokes it",
            "inferred",
            "no logout or revocation is documented (Identity and Access Management)",
            _IAM,
            column="revocation",
        ),
        Fact(
            "tenant-model",
            "the consumer type is in the token (workspace, customer, user); 403 across types",
            "inferred",
            "the refresh answer's realm (Authorization reference)",
            _REF,
            column="tenant or permission model",
        ),
    ],
    base=HTTP,
)
