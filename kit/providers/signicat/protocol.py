"""Signicat on the wire (CONFIRMED, shared notes section 2; discovery path INFERRED for api.signicat.com)."""

#: where the live API is (what <PROVIDER>_URL is set to)
LIVE_URL = "https://api.signicat.com/"
TOKEN_PATH = "auth/open/connect/token"
DISCOVERY_PATH = "auth/open/.well-known/openid-configuration"
SCOPE = "signicat-api"
ACCOUNT_PARAMETER = "signicat-accountId"  # the official SDK adds the token's account_id claim as this
#: with an organization id configured, the official SDK sends it as both of these (HttpRequestor.cs)
ORGANIZATION_HEADER = "Signicat-OrganizationId"
ORGANIZATION_PARAMETER = "signicat-organizationId"
