"""Pliance on the wire (CONFIRMED, shared notes section 1): the JWT a client mints for every request."""

AUDIENCE = "pliance.io"
HEADER = {"typ": "JWT", "alg": "HS256"}  # exactly this header, in this order
LIFETIME = 300  # seconds between iat/nbf and exp in the official SDKs
TENANT_HEADER = "X-Tenant"
