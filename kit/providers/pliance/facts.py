"""Pliance: every fact kit's client, sandbox and probes rely on, and where it comes from."""

from __future__ import annotations

from kit.provenance import HTTP, Fact, Registry

__all__ = ["FACTS"]

_INTRO = "https://docs.pliance.io"
_HOOKS = "https://docs.pliance.io/webhooks"
_PERSON = "https://docs.pliance.io/person-screening"
_JS = "https://github.com/pliance/Pliance.JS.SDK/blob/0a5d4e2/src/index.ts"
_NET = "https://github.com/pliance/Pliance.Net.SDK/blob/4a1ad81/Pliance.SDK/PlianceClientFactory.cs"
_SDKS = "Pliance's SDKs (JS src/index.ts, .NET PlianceClientFactory.cs, Python pliance_py_sdk)"
_JWTBEARER = "ASP.NET Core JwtBearer"
_ASPNET = "https://learn.microsoft.com/aspnet/core/security/authentication/jwt-authn"
_JWTBEARER_SOURCE = (
    "https://github.com/dotnet/aspnetcore/blob/02d05b5/src/Security/Authentication/JwtBearer/src/JwtBearerHandler.cs"
)
_CHALLENGE = (
    "ASP.NET Core JwtBearer's challenge (JwtBearerHandler: the status and WWW-Authenticate only, "
    "CreateErrorDescription naming the failures it describes, JwtBearerTests asserting an empty body), as Pliance "
    "documents no auth failure"
)
_ROUTING = "https://learn.microsoft.com/aspnet/core/fundamentals/routing"
_CORS = "https://learn.microsoft.com/aspnet/core/security/cors"

FACTS = Registry(
    "pliance",
    [
        # -- the token ----------------------------------------------------------------------
        Fact(
            "bearer-jwt",
            "every call carries Authorization: Bearer <JWT>, HS256, typ JWT",
            "documented",
            "docs.pliance.io, Security",
            _INTRO,
            column="sent on each call",
        ),
        Fact("issuer", "iss is the company id Pliance assigns", "documented", "docs.pliance.io, Security", _INTRO),
        Fact(
            "log-claims",
            "given_name and sub name the caller in Pliance's logs",
            "documented",
            "docs.pliance.io, Security (JWT claims)",
            _INTRO,
        ),
        Fact("audience", "aud is pliance.io", "inferred", f"{_SDKS} set it", _JS),
        Fact(
            "utf8-key",
            "the HMAC key is the secret's UTF-8 bytes, not hex-decoded",
            "inferred",
            "Pliance's SDKs (JS createHmac(secret), .NET Encoding.UTF8.GetBytes)",
            _JS,
        ),
        Fact(
            "sdk-lifetime",
            "the SDKs mint a new token for every request, valid 5 min (their choice)",
            "inferred",
            f"{_SDKS} set exp = now + 300",
            _JS,
            column="lifetime",
        ),
        Fact(
            "mint-per-request",
            "kit mints a token per request too (reused within one second)",
            "kit's choice",
            "as Pliance's SDKs do, so nothing needs renewing",
            column="renewal",
        ),
        Fact(
            "server-lifetime",
            "the server sets no lifetime: any exp still ahead (within the clock skew) is accepted",
            "inferred",
            f"{_JWTBEARER} (it checks exp and nbf, not how far ahead exp is)",
            _ASPNET,
        ),
        Fact(
            "clock-skew",
            "exp and nbf are checked with 5 min of clock skew",
            "inferred",
            "ASP.NET Core JwtBearer default ClockSkew",
            _ASPNET,
        ),
        Fact(
            "no-revocation",
            "a token is valid until exp: nothing revokes it",
            "inferred",
            f"{_JWTBEARER} (self-contained tokens, nothing to look up)",
            _ASPNET,
            column="revocation",
        ),
        # -- refusals -------------------------------------------------------------------------
        Fact(
            "no-bearer",
            "no Authorization header, or another scheme: 401 with a bare Bearer challenge and no body",
            "inferred",
            _CHALLENGE,
            _JWTBEARER_SOURCE,
            answers=("401",),
        ),
        Fact(
            "invalid-token",
            'a bad token: 401 Bearer error="invalid_token" and no body; error_description only for a bad '
            "signature, lifetime, audience or issuer (none for a malformed token or another algorithm)",
            "inferred",
            _CHALLENGE,
            _JWTBEARER_SOURCE,
            answers=("401 invalid_token",),
            column="expiry signalled as",
        ),
        Fact(
            "hs256-only",
            "only HS256 is accepted (none, RS256, HS512 refused)",
            "inferred",
            "ASP.NET Core JwtBearer with a symmetric key and ValidAlgorithms HS256",
            _ASPNET,
            answers=("401 invalid_token",),
        ),
        Fact(
            "multitenancy",
            "multitenancy is off until Pliance support turns it on",
            "documented",
            "docs.pliance.io, Multitenancy",
            _INTRO,
        ),
        Fact(
            "tenant-header",
            "with multitenancy on, every request names its tenant in X-Tenant",
            "inferred",
            "Pliance.Net.SDK PlianceClientFactory.cs (adds X-Tenant when a tenant is set)",
            _NET,
        ),
        Fact(
            "tenant-400",
            "no X-Tenant with multitenancy on: 400 envelope",
            "inferred",
            "ASP.NET Core model validation answers 400",
            "https://learn.microsoft.com/aspnet/core/web-api",
            answers=("400 Error",),
        ),
        Fact(
            "tenant-isolation",
            "another tenant's record is not found (200, status Error)",
            "inferred",
            "tenants keep data apart (Multitenancy) and failures are 200 Error envelopes (the failed poke)",
            answers=("200 Error",),
        ),
        Fact(
            "ip-filtering",
            "additional security can be had through IP filtering",
            "documented",
            "docs.pliance.io, Introduction, Security",
            _INTRO,
        ),
        Fact(
            "ip-filter",
            "a client IP outside the allowed list: 403 envelope",
            "kit's choice",
            "the Security section names IP filtering (fact ip-filtering) but no page gives its answer, so the "
            "sandbox's setting shows it as a 403 envelope",
            answers=("403 Error",),
        ),
        Fact(
            "mtls",
            "a tenant may require a client certificate (mutual TLS)",
            "documented",
            "docs.pliance.io, Introduction, Security (client certificates), which the SDKs send (.NET X509 "
            "certificate, JS https.Agent pfx, Python cert=)",
            _INTRO,
        ),
        Fact(
            "mtls-403",
            "no client certificate under mTLS: 403",
            "inferred",
            "IIS answers 403.7 when a client certificate is required",
            answers=("403 Error",),
        ),
        Fact(
            "routes-404-405",
            "an unknown path is 404, a wrong method 405",
            "inferred",
            "ASP.NET Core routing",
            _ROUTING,
            answers=("404 Error", "405 Error"),
        ),
        Fact(
            "routes-case",
            "paths match whatever their case (api/ping is api/Ping)",
            "inferred",
            "ASP.NET Core routing matches case-insensitively",
            _ROUTING,
        ),
        Fact("browser-use", "tokens can be used from a web browser", "documented", "docs.pliance.io, Security", _INTRO),
        Fact(
            "cors",
            "a CORS preflight is answered 204 with Access-Control-Allow-* for any origin",
            "inferred",
            "an ASP.NET Core CORS policy (AllowAnyOrigin, AllowAnyHeader, AllowAnyMethod) for browser use",
            _CORS,
        ),
        Fact(
            "body-400",
            "a body that is not JSON, lacks required fields or has a field of another type: 400 envelope",
            "inferred",
            "ASP.NET Core model validation",
            "https://learn.microsoft.com/aspnet/core/web-api",
            answers=("400 Error",),
        ),
        # -- envelope and routes ----------------------------------------------------------
        Fact(
            "envelope",
            "every answer carries {status, success, message, checkpoint}, typed ones add data",
            "documented",
            "docs.pliance.io/webhooks, the poke examples",
            _HOOKS,
        ),
        Fact(
            "failure-200",
            "a failed business operation is 200 with status Error and a zero checkpoint",
            "documented",
            "docs.pliance.io/webhooks, the failed poke example",
            _HOOKS,
            answers=("200 Error",),
        ),
        Fact("route-ping", "GET api/Ping answers the envelope", "inferred", "Pliance's SDKs (JS ping, .NET Ping)", _JS),
        Fact(
            "route-person",
            "PUT api/PersonCommand registers a person",
            "documented",
            "docs.pliance.io/person-screening, Register person",
            _PERSON,
        ),
        Fact(
            "route-person-query",
            "GET api/PersonQuery?personReferenceId= views one",
            "inferred",
            "Pliance's SDKs (JS viewPerson, .NET ViewPerson)",
            _JS,
        ),
        Fact(
            "webhook-register",
            "PUT api/WebhookCommand {url, secret, enabled} registers the webhook",
            "documented",
            "docs.pliance.io/webhooks, Registration",
            _HOOKS,
        ),
        Fact("route-webhook-query", "GET api/WebhookQuery shows it", "inferred", "Pliance's JS SDK (getWebhook)", _JS),
        Fact(
            "webhook-poke",
            "POST api/WebhookQuery/Poke delivers a test event",
            "documented",
            "docs.pliance.io/webhooks, Poke",
            _HOOKS,
        ),
        Fact(
            "webhook-secret",
            "the secret itself travels in X-PLIANCE-SECRET, only to https URLs (no HMAC)",
            "documented",
            "docs.pliance.io/webhooks, Security",
            _HOOKS,
        ),
        Fact(
            "webhook-payload",
            "the event: {type, checkpoint, metadata{subject, ip, givenName, timestampUtc}}",
            "documented",
            "docs.pliance.io/webhooks, Payload",
            _HOOKS,
        ),
        Fact(
            "tenant-model",
            "one company per secret (iss); with multitenancy, X-Tenant keeps data apart",
            "documented",
            "docs.pliance.io, Multitenancy",
            _INTRO,
            column="tenant or permission model",
        ),
    ],
    base=HTTP,
)
