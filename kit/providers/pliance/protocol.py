"""Pliance on the wire (CONFIRMED, shared notes section 1): the JWT a client mints for every request."""

#: where the live API is (what <PROVIDER>_URL is set to): your company's own host
LIVE_URL = "https://{company}.pliance.io/"
AUDIENCE = "pliance.io"
HEADER = {"typ": "JWT", "alg": "HS256"}  # exactly this header, in this order
LIFETIME = 300  # seconds between iat/nbf and exp in the official SDKs
TENANT_HEADER = "X-Tenant"
#: WebhookPokeType in the JS SDK: the event types a poke may deliver
POKE_TYPES = tuple(  # WebhookPokeType in the JS SDK
    """
    PersonSanctionMatched PersonSanctionMatchRemoved CompanySanctionMatched CompanySanctionMatchRemoved
    CompanyNameChanged CompanyDescriptionChanged CompanySignatoryChanged CompanyLinkAdded
    CompanyLinkRemoved CompanyLinkUpdated CompanyLinkDescriptionUpdated CompanyLinkScreeningMatched
    CompanyLinkScreeningMatchRemoved CompanyLinkScreeningMatchedNameChanged CompanyScreeningMatched
    CompanyScreeningMatchRemoved CompanyAddressChanged CompanySniClassificationChanged
    """.split()
)
