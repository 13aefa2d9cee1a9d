"""Signicat: every fact kit's client, sandbox and probes rely on, and where it comes from."""

from __future__ import annotations

from kit.provenance import HTTP, Fact, Registry

__all__ = ["FACTS"]

_TOKENS = "https://developer.signicat.com/docs/connect-to-signicat-apis/advanced-settings/access-tokens/"
_ERRORS = "https://developer.signicat.com/docs/error-codes/"
_PRODUCTS = "https://developer.signicat.com/docs/accessing-api-products/"
_EIDHUB = "https://developer.signicat.com/apis/eid-hub/"
_SDK = "https://github.com/signicat/signicat-net/blob/4fb2310/src/Signicat.SDK/Infrastructure"
_DUENDE = "Duende IdentityServer, whose paths and discovery layout Signicat's are"
_DUENDE_URL = "https://github.com/DuendeSoftware/IdentityServer"
_ORACLE = "node oidc-provider 9.13.3 at Signicat's paths (tests/test_conformance_signicat.py)"

FACTS = Registry(
    "signicat",
    [
        Fact(
            "token-endpoint",
            "POST /auth/open/connect/token, a form with grant_type=client_credentials and scope",
            "inferred",
            "Signicat's .NET SDK (Urls.cs, AuthManager.cs)",
            f"{_SDK}/AuthManager.cs",
        ),
        Fact(
            "scope",
            "the scope is signicat-api",
            "inferred",
            "Signicat's .NET SDK (AuthManager.cs)",
            f"{_SDK}/AuthManager.cs",
        ),
        Fact(
            "client-auth",
            "the client authenticates with Basic or in the form (client_secret_post)",
            "inferred",
            f"{_DUENDE} (both parsers), the SDK posting the secret in the form",
            _DUENDE_URL,
        ),
        Fact(
            "basic-wins",
            "Basic plus a form client_id is accepted: the Basic header is used",
            "inferred",
            f"{_DUENDE} (BasicAuthenticationSecretParser is asked first)",
            _DUENDE_URL,
        ),
        Fact(
            "token-errors-400",
            "token-endpoint errors are 400 with an RFC 6749 body, invalid_client included",
            "inferred",
            f"{_DUENDE} (TokenErrorResponse)",
            _DUENDE_URL,
            answers=("400 invalid_client", "400 invalid_request", "400 invalid_scope", "400 unsupported_grant_type"),
        ),
        Fact(
            "missing-grant",
            "a missing grant_type is unsupported_grant_type",
            "inferred",
            f"{_DUENDE} (TokenRequestValidator)",
            _DUENDE_URL,
            answers=("400 unsupported_grant_type",),
        ),
        Fact(
            "no-cache",
            "token answers carry Cache-Control: no-store, no-cache, max-age=0 and Pragma: no-cache",
            "inferred",
            f"{_DUENDE} (SetNoCache on the token response)",
            _DUENDE_URL,
        ),
        Fact(
            "lifetime",
            "an access token lives 600 s by default, 1 to 3600 s per API client",
            "documented",
            "developer.signicat.com, Access tokens (Token lifetime)",
            _TOKENS,
            column="lifetime",
        ),
        Fact(
            "caching",
            "cache the token, renew it close to expiry, retry a failed call once",
            "documented",
            "developer.signicat.com, Access tokens (Token caching)",
            _TOKENS,
        ),
        Fact(
            "renew-early",
            "kit renews at most half a lifetime early (the SDK renews at expiry)",
            "kit's choice",
            "a token about to expire is never sent, as the caching advice asks",
            column="renewal",
        ),
        Fact(
            "at-jwt",
            "access tokens are RS256 at+jwt with a kid, aud the API origin, account_id and scope claims",
            "inferred",
            "the token in Signicat's .NET SDK tests (HttpRequestorTest.cs, which JwtHelper parses)",
            "https://github.com/signicat/signicat-net/blob/1d981ff/src/Signicat.SDK.Tests/Infrastructure/"
            "HttpRequestorTest.cs",
            column="token kind",
        ),
        Fact(
            "discovery",
            "discovery at /auth/open/.well-known/openid-configuration",
            "inferred",
            f"{_DUENDE}: IdentityServer's path (third-party code uses it for api.signicat.com)",
            _DUENDE_URL,
        ),
        Fact(
            "jwks",
            "the signing keys at .../openid-configuration/jwks",
            "inferred",
            f"{_DUENDE}: IdentityServer's path (seen for tenant hosts in third-party code)",
            _DUENDE_URL,
        ),
        Fact(
            "no-revocation",
            "a token lives until exp: kit fetches another on a 401 and retries once",
            "kit's choice",
            "the caching advice (retry once), no revocation endpoint being documented",
            column="revocation",
        ),
        Fact(
            "account-id",
            "every API call carries signicat-accountId from the token's account_id claim",
            "inferred",
            "Signicat's .NET SDK (HttpRequestor.cs, JwtHelper.cs)",
            f"{_SDK}/HttpRequestor.cs",
            column="sent on each call",
        ),
        Fact(
            "sessions",
            "POST /auth/rest/sessions creates an authentication session, GET reads it",
            "documented",
            "developer.signicat.com, eID Hub Authentication REST API",
            _EIDHUB,
        ),
        Fact(
            "problem",
            "API errors are an RFC 7807-style object: type, title, detail, code, status",
            "documented",
            "developer.signicat.com, Error codes",
            _ERRORS,
        ),
        Fact(
            "problem-media",
            "API errors are served as application/problem+json",
            "inferred",
            "the RFC 7807 shape the Error codes page shows (RFC 9457 names its media type)",
            "https://www.rfc-editor.org/rfc/rfc9457",
        ),
        Fact(
            "no-token-401",
            "no token: 401",
            "documented",
            "developer.signicat.com, Error codes",
            _ERRORS,
            answers=("401 invalid_token",),
        ),
        Fact(
            "bare-challenge",
            "no token: a bare Bearer challenge, no error code",
            "inferred",
            "RFC 6750 §3.1 (no error code when the request carried no token)",
            "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
        ),
        Fact(
            "invalid-token",
            "a bad signature or an expired token: 401 invalid_token",
            "documented",
            "developer.signicat.com, Error codes (invalid_token)",
            _ERRORS,
            answers=("401 invalid_token",),
            column="expiry signalled as",
        ),
        Fact(
            "wrong-audience",
            "a token for another audience: 401 invalid_token",
            "inferred",
            "Duende IdentityServer's access-token validation checks aud (Signicat has its paths and discovery layout)",
            _DUENDE_URL,
            answers=("401 invalid_token",),
        ),
        Fact(
            "product-403",
            "a client without the API product's permission: 403 (the sandbox's default)",
            "inferred",
            "developer.signicat.com, Accessing API products (a product permission is needed, but the page names no "
            "status), answered as the account mismatch is (fact account-403)",
            _PRODUCTS,
            answers=("403 forbidden",),
        ),
        Fact(
            "product-401",
            "a client without the API product's permission may get 401 invalid_token (insufficient permissions)",
            "documented",
            "developer.signicat.com, Error codes (invalid_token: incorrect signature, expiration, or insufficient "
            "permissions)",
            _ERRORS,
            answers=("401 invalid_token",),
        ),
        Fact(
            "bearer-header",
            "an API call sends the access token as Authorization: Bearer <token>",
            "inferred",
            "Signicat's .NET SDK (HttpRequestor.cs, GetRequestMessage)",
            f"{_SDK}/HttpRequestor.cs",
        ),
        Fact(
            "organization-id",
            "a client configured with an organization id sends it on every API call, as the Signicat-OrganizationId "
            "header and the signicat-organizationId parameter",
            "inferred",
            "Signicat's .NET SDK (HttpRequestor.cs, SignicatConfiguration.OrganisationId)",
            f"{_SDK}/HttpRequestor.cs",
        ),
        Fact(
            "forbidden-code",
            "the 403's code is forbidden",
            "kit's choice",
            "the docs name no code for a 403",
            answers=("403 forbidden",),
        ),
        Fact(
            "account-403",
            "a signicat-accountId other than the token's: 403",
            "inferred",
            "the SDK sends the token's account_id (the 403 is not documented)",
            f"{_SDK}/HttpRequestor.cs",
            answers=("403 forbidden",),
        ),
        Fact(
            "not-found",
            "an unknown session or route: 404 not_found",
            "inferred",
            "the problem-details shape for a missing resource (Signicat documents no 404)",
            answers=("404 not_found", "405 method_not_allowed"),
        ),
        Fact(
            "bad-body",
            "a session body that is not a JSON object, or an unknown flow: 400 invalid_request",
            "inferred",
            "the problem-details shape for a bad request (Signicat documents no 400 here)",
            answers=("400 invalid_request",),
        ),
        Fact(
            "tenant-model",
            "the account id comes from the token's account_id claim; 403 per API product",
            "inferred",
            "Signicat's .NET SDK (JwtHelper.cs) and the 403 of Accessing API products",
            f"{_SDK}/Public/JwtHelper.cs",
            column="tenant or permission model",
        ),
        Fact(
            "checked",
            "the token endpoint and kit's client were checked against a certified OpenID provider",
            "observed",
            _ORACLE,
        ),
    ],
    base=HTTP,
)
