"""The values of the EU DSA Transparency Database's API that Pantau writes or reads,
and the limits it sets on them. A copy for the product; the conformance test checks
the product against its own transcription of the database's rules
(tests/fixtures/dsa_rules.json)."""

from __future__ import annotations

from functools import cache

from babel import Locale

# The only countries the API accepts in `territorial_scope` (EU and EEA).
EEA_COUNTRIES = frozenset(
    (
        "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK"
    ).split()
)
# A decision's scope may be every country; it then covers the EU/EEA too.
GLOBAL = "GLOBAL"

MAX_EXPLANATION = 2_000  # illegal_content_explanation, incompatible_content_explanation
MAX_FACTS = 5_000  # decision_facts
MAX_GROUND = 500  # illegal_content_legal_ground, incompatible_content_ground, *_other
MAX_PUID = 500
PUID_PATTERN = r"^[A-Za-z0-9_-]+$"
BATCH_SIZE = 100  # POST /api/v1/statements takes 1 to 100
LAST_DAY = "2038-01-01"  # dates after it are refused

# What each restriction field takes; a decision type maps to one of these values.
VISIBILITY = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
MONETARY = (
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
)
PROVISION = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
ACCOUNT = (
    "DECISION_ACCOUNT_SUSPENDED",
    "DECISION_ACCOUNT_TERMINATED",
)
CONTENT_TYPES = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
CATEGORIES = (
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
)
SOURCE_TYPES = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
KEYWORDS = (
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_DEFAMATION",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING",
    "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_VIOLATION_EU_LAW",
    "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER",
)
RESTRICTION_FIELDS = {
    "decision_visibility": VISIBILITY,
    "decision_monetary": MONETARY,
    "decision_provision": PROVISION,
    "decision_account": ACCOUNT,
}
# The end date that goes with each restriction field, and the decision's column for it.
END_DATES = {
    "decision_visibility": ("end_date_visibility_restriction", "visibility_ends_on"),
    "decision_monetary": ("end_date_monetary_restriction", "monetary_ends_on"),
    "decision_provision": ("end_date_service_restriction", "service_ends_on"),
    "decision_account": ("end_date_account_restriction", "account_ends_on"),
}
# The one-value fields keep the strongest restriction: termination wins over suspension.
STRENGTH = {
    "DECISION_MONETARY_TERMINATION": 3,
    "DECISION_MONETARY_SUSPENSION": 2,
    "DECISION_ACCOUNT_TERMINATED": 2,
    "DECISION_ACCOUNT_SUSPENDED": 1,
    "DECISION_PROVISION_TOTAL_TERMINATION": 4,
    "DECISION_PROVISION_PARTIAL_TERMINATION": 3,
    "DECISION_PROVISION_TOTAL_SUSPENSION": 2,
    "DECISION_PROVISION_PARTIAL_SUSPENSION": 1,
}
AUTOMATION = {
    "not_automated": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "partially": "AUTOMATED_DECISION_PARTIALLY",
    "fully": "AUTOMATED_DECISION_FULLY",
}

# What a mapping of each taxonomy kind may name, and what its additions may name.
MAPPABLE = {
    "category": CATEGORIES,
    "decision_type": VISIBILITY + MONETARY + PROVISION + ACCOUNT,
    "content_type": CONTENT_TYPES,
    "source": SOURCE_TYPES,
}
ADDITIONS = {"category": KEYWORDS + CONTENT_TYPES}
OTHER_VALUES = frozenset(
    {"DECISION_VISIBILITY_OTHER", "DECISION_MONETARY_OTHER", "CONTENT_TYPE_OTHER"}
)


def restriction_field(value: str) -> str | None:
    """The statement field a restriction value belongs in."""
    return next((f for f, values in RESTRICTION_FIELDS.items() if value in values), None)


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (Unicode CLDR's territories, without groupings)."""
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "ZZ"}
    )


def country_name(code: str, language: str) -> str:
    return Locale(language).territories.get(code, code)


def scope_codes(scope: str | None) -> list[str]:
    """A stored scope ("DE,ID" or "GLOBAL") as its list of codes."""
    return sorted(
        {c.strip().upper() for c in (scope or "").replace(" ", ",").split(",") if c.strip()}
    )


def eu_scope(scope: str | None) -> list[str]:
    """The EU/EEA countries a scope covers, as the API wants them: sorted, unique."""
    codes = scope_codes(scope)
    if GLOBAL in codes:
        return sorted(EEA_COUNTRIES)
    return sorted(EEA_COUNTRIES.intersection(codes))
