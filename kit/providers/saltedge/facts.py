"""Salt Edge: every fact kit's client, sandbox and probes rely on, and where it comes from."""

from __future__ import annotations

from kit.provenance import HTTP, Fact, Registry

__all__ = ["FACTS"]

_SIGNATURE = "https://docs.saltedge.com/guides/signature/"
_V3AUTH = "https://docs.saltedge.com/v3_apps/guides/authentication/"
_STATUSES = "https://docs.saltedge.com/payments/guides/client_account/"
_LIVE = "https://docs.saltedge.com/guides/before_going_live/"
_EXAMPLES = "https://github.com/saltedge/saltedge-examples/blob/8f02499/python/saltedge.py"
#: the official examples' latest version (v6), and their v5 branch (at its last commit, 4989083)
_NODE = "https://github.com/saltedge/saltedge-examples/blob/8f02499/node/saltedge.js"
_V5_NODE = "https://github.com/saltedge/saltedge-examples/blob/4989083/node/saltedge.js"
_V5_RN = "https://github.com/saltedge/saltedge-examples/blob/4989083/react-native/README.md"
_MOBILE = "https://docs.saltedge.com/mobile_sdks/v5"
_V3_EXAMPLE = "https://github.com/saltedge/saltedge-examples/blob/4a8eb56/ruby/saltedge.rb"
#: the last v3 revision of the iOS SDK: 756ad53, the parent of c5abed3 ("Migrate ... to API v4")
_IOS = "https://github.com/saltedge/saltedge-ios/blob/756ad53/Classes/API/SEAPIRequestManager.m"
_IOS_ERROR = "https://github.com/saltedge/saltedge-ios/blob/756ad53/Classes/Models/SEError.h"
_ANDROID = "https://github.com/saltedge/saltedge-android/blob/da010f3/saltedge-library/src"
_ANDROID_SDK = f"{_ANDROID}/main/java/com/saltedge/sdk"
_NETCORE = "https://github.com/hasnimehdi91/SaltEdgeNetCore/blob/99a4f3a/SaltEdgeNetCore/Client/ErrorHandler.cs"
_TABLE = "the meaning of each class's name (Salt Edge documents no status per class)"

FACTS = Registry(
    "saltedge",
    [
        # -- the layers -----------------------------------------------------------------------
        Fact(
            "v3-headers",
            "v3 sends Client-id and App-secret, then Customer-secret and Login-secret",
            "documented",
            "docs.saltedge.com, v3 Authentication",
            _V3AUTH,
        ),
        Fact(
            "v5-headers",
            "v5 sends App-id and Secret, then (an App key) Customer-secret and Connection-secret",
            "documented",
            "docs.saltedge.com, Mobile SDKs (Authentication: four headers on different levels of security)",
            _MOBILE,
        ),
        Fact(
            "v5-service-key",
            "v5 with a Service key needs no Customer-secret or Login-secret: connect_sessions/create takes customer_id "
            "in the body",
            "documented",
            "Salt Edge's official examples, v5 branch, react-native/README.md (Assumptions), as the v5 "
            "node/saltedge.js calls it",
            _V5_RN,
        ),
        Fact(
            "v6-headers",
            "v6 sends App-id and Secret alone (with Expires-at and Signature): no customer or connection secret",
            "inferred",
            "Salt Edge's official examples, their latest API version (node/saltedge.js signedHeaders sends those four "
            "and Accept, Content-Type)",
            _NODE,
        ),
        Fact(
            "v6-customers",
            "v6 POST customers with {data: {identifier}} answers the customer's id (a string) and secret",
            "inferred",
            "Salt Edge's official examples (node/saltedge.js: the call and the created customer it shows)",
            _NODE,
        ),
        Fact(
            "v6-connect",
            "v6 POST connections/connect takes customer_id in the body, with consent, attempt, widget and provider",
            "inferred",
            "Salt Edge's official examples (node/saltedge.js, react-native/App.js)",
            _NODE,
        ),
        Fact(
            "connect-url",
            "a connect session answers {data: {expires_at, connect_url}} (v6 adds customer_id)",
            "inferred",
            "the official v5 React Native example reads data.connect_url (react-native/App.js), every answer is "
            "wrapped in data",
            "https://github.com/saltedge/saltedge-examples/blob/4989083/react-native/App.js",
        ),
        Fact(
            "connect-customer",
            "an unknown or missing customer_id is 404 CustomerNotFound",
            "inferred",
            "the class's name, as for a wrong Customer-secret (Salt Edge documents no status per class)",
            answers=("404 CustomerNotFound",),
        ),
        Fact(
            "connect-at-once",
            "the sandbox makes the connection when the connect session is created and sends its callback",
            "kit's choice",
            "the sandbox has no Connect widget for a user to finish, and the story needs the connection and its "
            "callback",
        ),
        Fact(
            "default-version",
            "a new session speaks v6 unless SALTEDGE_API_VERSION says v3 or v5",
            "kit's choice",
            "v6 is the version Salt Edge's official examples call (README: the latest API version), v3 the seed page's",
        ),
        Fact(
            "countries-app-only",
            "GET countries needs the app headers only",
            "documented",
            "docs.saltedge.com, v3 Authentication (the countries example)",
            _V3AUTH,
        ),
        Fact(
            "customer-layer",
            "creating logins (v3) or connections (v5, v6) needs Customer-secret",
            "documented",
            "docs.saltedge.com, v3 Authentication",
            _V3AUTH,
        ),
        Fact(
            "login-layer",
            "reading or removing a login needs Customer-secret and Login-secret",
            "inferred",
            "Salt Edge's iOS SDK sends both on login requests (SEAPIRequestManager.m, its last v3 revision)",
            _IOS,
            answers=("404 CustomerNotFound", "404 LoginNotFound", "404 ConnectionNotFound"),
        ),
        Fact(
            "layers-per-endpoint",
            "kit sends each endpoint only the layers it needs",
            "kit's choice",
            "the docs layer the secrets (app, customer, login), a secret sent where it is not needed travels for "
            "nothing",
            column="sent on each call",
        ),
        Fact(
            "customers-route",
            "POST customers creates a customer (app headers)",
            "inferred",
            "Salt Edge's Android SDK paths (SEApiConstants.java)",
            f"{_ANDROID_SDK}/network/SEApiConstants.java",
        ),
        # -- signatures -------------------------------------------------------------------------
        Fact(
            "live-signs",
            "a live client must sign every request (Expires-at, Signature)",
            "documented",
            "docs.saltedge.com, Signature",
            _SIGNATURE,
        ),
        Fact(
            "optional-signature",
            "a client that is not live may send no Signature: no validation then",
            "documented",
            "docs.saltedge.com, Signature",
            _SIGNATURE,
        ),
        Fact(
            "sent-verified",
            "a Signature that is sent is verified",
            "documented",
            "docs.saltedge.com, Signature",
            _SIGNATURE,
        ),
        Fact(
            "signature-string",
            "Signature (v4 on): base64 RSA-SHA256 over Expires-at|METHOD|full URL|body",
            "inferred",
            "Salt Edge's official samples (saltedge-examples python/saltedge.py, ruby/saltedge.rb)",
            _EXAMPLES,
            column="signing algorithm",
        ),
        Fact(
            "v3-signature",
            "v3 signs the same four fields, Expires-at|METHOD|full URL|body",
            "inferred",
            "Salt Edge's official examples of the v3 era (ruby/saltedge.rb signs expires, method, url and params), "
            "while the older guide shows a fifth field, an uploaded file's MD5, which no example sends",
            _V3_EXAMPLE,
        ),
        Fact(
            "v3-sha1",
            "v3 signs with SHA-1: base64 RSA-SHA1 (PKCS#1 v1.5), verified with the dashboard's public key",
            "documented",
            "docs.saltedge.com, Signature (the older guide: a base64 SHA1 signature), as the v3-era official examples "
            "sign and verify, with OpenSSL::Digest::SHA1 (ruby/signature.rb)",
            _SIGNATURE,
        ),
        Fact(
            "expires-ahead",
            "Expires-at more than 1 hour ahead is ExpiresAtInvalid",
            "documented",
            "docs.saltedge.com, Signature",
            _SIGNATURE,
        ),
        Fact(
            "expires-60",
            "Expires-at is UNIX seconds, now + 60 s suggested",
            "documented",
            "docs.saltedge.com, v3 Authentication",
            _V3AUTH,
        ),
        Fact(
            "callback-signed",
            "a callback carries a Signature: base64 RSA-SHA256 over callback URL|raw body with Salt Edge's key, "
            "verified with its public key",
            "inferred",
            "Salt Edge's official examples (node/saltedge.js verifySignature, ruby/callback_server/app.rb)",
            "https://github.com/saltedge/saltedge-examples/blob/2036bd7/node/saltedge.js",
        ),
        Fact(
            "signature-reuse",
            "kit reuses a request's signature for the same request while half its Expires-at window is left",
            "kit's choice",
            "the docs ask for a valid Expires-at and Signature on every request and refuse it only once Expires-at "
            "has passed (RequestExpired), and none says a signature may be sent once only",
        ),
        Fact(
            "public-key",
            "the public key is pasted into the dashboard, the private key stays with the client",
            "documented",
            "docs.saltedge.com, Signature",
            _SIGNATURE,
        ),
        Fact(
            "signature-url",
            "the URL signed is the URL as sent (scheme, host, target, encoding kept)",
            "inferred",
            "the docs ask for the full URL with query, and a client can sign only what it sends",
            _SIGNATURE,
        ),
        # -- errors ---------------------------------------------------------------------------
        Fact(
            "v3-error",
            "v3 errors are flat: {error_class, error_message, request}",
            "inferred",
            "Salt Edge's iOS SDK error model (SEError.h, its last v3 revision)",
            _IOS_ERROR,
        ),
        Fact(
            "v5-error",
            "v5 errors nest: {error: {class, message, documentation_url}, request}",
            "inferred",
            "Salt Edge's Android SDK error model and test fixture (SEApiError.java)",
            f"{_ANDROID_SDK}/model/SEApiError.java",
        ),
        Fact(
            "class-names",
            "the v5 error class names (ClientNotFound, ApiKeyNotFound, MissingSignature, …)",
            "inferred",
            "third-party SaltEdgeNetCore's ErrorHandler.cs (v4, v5)",
            _NETCORE,
        ),
        Fact(
            "v3-class-names",
            "v3 answers with the v5 class names (LoginNotFound for a login)",
            "kit's choice",
            "v5 class names in every version (v3's own list is unknown)",
        ),
        Fact(
            "connection-404",
            "ConnectionNotFound is 404",
            "inferred",
            "Salt Edge's Android SDK test fixture (ConnectSessionConnectorTest.java serves it with 404)",
            f"{_ANDROID}/androidTest/java/com/saltedge/sdk/connector/ConnectSessionConnectorTest.java",
            answers=("404 ConnectionNotFound", "404 LoginNotFound"),
        ),
        Fact(
            "statuses",
            "every other class's status (400 missing header, 401 wrong secret, 403 status, …)",
            "inferred",
            _TABLE,
            answers=(
                "400 AppIdNotProvided",
                "400 SecretNotProvided",
                "404 ClientNotFound",
                "404 ApiKeyNotFound",
                "401 WrongClientToken",
                "404 CustomerNotFound",
                "400 MissingExpiresAt",
                "400 MissingSignature",
                "400 ExpiresAtInvalid",
                "401 SignatureNotMatch",
                "401 RequestExpired",
                "400 JsonParseError",
                "404 RouteNotFound",
                "400 WrongRequestFormat",
                "403 ClientDisabled",
                "403 ClientPending",
                "403 ClientRestricted",
            ),
            column="expiry signalled as",
        ),
        Fact(
            "test-limit",
            "a client in test status may hold 10 logins (connections)",
            "documented",
            "docs.saltedge.com, Client account",
            _STATUSES,
        ),
        Fact(
            "limit-class",
            "a test client past its 10 connections gets 403 ConnectionLimitReached",
            "inferred",
            "the class is in Salt Edge's error list (SaltEdgeNetCore's ErrorHandler.cs), its status as the other "
            "account-status classes",
            _NETCORE,
            answers=("403 ConnectionLimitReached",),
        ),
        Fact(
            "public-key-missing",
            "a signed request, or any of a live client, with no public key in the dashboard is PublicKeyNotProvided",
            "inferred",
            "the class is in Salt Edge's error list (SaltEdgeNetCore's ErrorHandler.cs), the Signature guide asks for "
            "the key before going live",
            _NETCORE,
            answers=("400 PublicKeyNotProvided",),
        ),
        Fact(
            "rate-limit",
            "a client over its request rate gets 429 TooManyRequests (Salt Edge publishes no rate)",
            "inferred",
            "the class is in Salt Edge's error list with RateLimitExceeded (SaltEdgeNetCore's ErrorHandler.cs), 429 "
            "the status its name asks for",
            _NETCORE,
            answers=("429 TooManyRequests",),
        ),
        Fact(
            "client-statuses",
            "pending (fake providers only), test, live, restricted (read-only), disabled (every request refused)",
            "documented",
            "docs.saltedge.com, Client account",
            _STATUSES,
            answers=("403 ClientDisabled", "403 ClientPending", "403 ClientRestricted"),
        ),
        Fact(
            "no-revocation",
            "secrets are long-lived, replaced in the dashboard",
            "inferred",
            "keys are managed in the dashboard (Signature guide), no API call revokes them",
            _SIGNATURE,
            column="revocation",
        ),
        Fact(
            "tenant-model",
            "Customer-secret per customer, then Login-secret per bank login",
            "documented",
            "docs.saltedge.com, v3 Authentication",
            _V3AUTH,
            column="tenant or permission model",
        ),
        Fact(
            "no-token",
            "no token: the app's secrets travel on every request",
            "documented",
            "docs.saltedge.com, v3 Authentication",
            _V3AUTH,
            column="token kind",
        ),
    ],
    base=HTTP,
)
