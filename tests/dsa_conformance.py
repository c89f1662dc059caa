"""The DSA Transparency Database's own acceptance rules, applied to Pantau's statements.

The rules and enumerations are a transcription (tests/fixtures/dsa_rules.json, which
names the source commit) of the database's StatementStoreRequest, the batch service
(GroupedSubmissionsService, StatementMultipleAPIController) and the Statement model. This
module reads them and knows nothing of Pantau's own tables, so it is an independent
oracle: when the product's mapping and this transcription disagree, a test fails."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

RULES = json.loads((Path(__file__).parent / "fixtures" / "dsa_rules.json").read_text("utf-8"))
FIELDS: dict[str, dict] = RULES["fields"]
ENUMS: dict[str, list[str]] = RULES["enumerations"]
SOURCE_COMMIT: str = RULES["source"]["commit"]

# The rule that a statement restricts something: four fields, each `required_without_all`
# the other three. One failure of it reads as "no restriction".
RESTRICTION_FIELDS = (
    "decision_visibility",
    "decision_monetary",
    "decision_provision",
    "decision_account",
)


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _excluded(rule: dict, statement: dict) -> bool:
    if "exclude_unless" in rule:
        other, value = rule["exclude_unless"]
        if statement.get(other) != value:
            return True
    if "exclude_unless_contains" in rule:
        other, value = rule["exclude_unless_contains"]
        if value not in (statement.get(other) or []):
            return True
    if "exclude_if" in rule:
        other, value = rule["exclude_if"]
        if statement.get(other) == value:
            return True
    return False


def _required(rule: dict, statement: dict) -> bool:
    if rule.get("required"):
        return True
    if "required_without_all" in rule:
        return all(_empty(statement.get(o)) for o in rule["required_without_all"])
    if "required_if" in rule:
        other, value = rule["required_if"]
        return statement.get(other) == value
    if "required_if_contains" in rule:
        other, value = rule["required_if_contains"]
        return value in (statement.get(other) or [])
    return False


def _valid_day(value) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _check(name: str, rule: dict, value) -> str | None:
    """The first rule `value` breaks, or None."""
    if rule.get("array"):
        if not isinstance(value, list):
            return "array"
        items = value
    else:
        if isinstance(value, (list, dict)):
            return "not a scalar"
        items = [value]
    if "in" in rule:
        allowed = ENUMS.get(rule["in"], [])
        if rule.get("nullable"):
            allowed = [*allowed, "null"]
        if any(item not in allowed for item in items):
            return f"in:{rule['in']}"
    if "max" in rule and not rule.get("array"):
        if not isinstance(value, str) or len(value) > rule["max"]:
            return f"max:{rule['max']}"
    if "regex" in rule and not (isinstance(value, str) and re.search(rule["regex"], value)):
        return "regex"
    if rule.get("url"):
        parsed = urlparse(value if isinstance(value, str) else "")
        if not (parsed.scheme and parsed.netloc):
            return "url"
    if "date_format" in rule:
        day = _valid_day(value)
        if day is None:
            return "date_format"
        if "after_or_equal" in rule and day < date.fromisoformat(rule["after_or_equal"]):
            return "after_or_equal"
        if "before_or_equal" in rule and day > date.fromisoformat(rule["before_or_equal"]):
            return "before_or_equal"
    return None


@dataclass
class Verdict:
    """What the database would say to one statement."""

    errors: dict[str, str] = field(default_factory=dict)  # field → the rule it breaks
    dropped: list[str] = field(default_factory=list)  # fields the API does not know

    @property
    def accepted(self) -> bool:
        return not self.errors

    @property
    def failed_rules(self) -> set[str]:
        """Failures by kind: "no restriction" stands for the four fields' shared rule."""
        kinds = set()
        for name in self.errors:
            kinds.add("no restriction" if name in RESTRICTION_FIELDS else name)
        return kinds


def check_statement(statement: dict) -> Verdict:
    """Apply every rule of one statement (POST /api/v1/statement)."""
    verdict = Verdict(dropped=sorted(set(statement) - set(FIELDS)))
    for name, rule in FIELDS.items():
        if _excluded(rule, statement):
            continue
        value = statement.get(name)
        if _empty(value):
            if _required(rule, statement):
                verdict.errors[name] = "required"
            elif value is not None and not rule.get("nullable") and name in statement:
                verdict.errors[name] = "empty"
            continue
        problem = _check(name, rule, value)
        if problem:
            verdict.errors[name] = problem
    return verdict


def check_batch(body: dict) -> list[str]:
    """The batch's own rules (POST /api/v1/statements): problems, or an empty list.
    One bad statement refuses the whole batch."""
    batch = RULES["batch"]
    statements = body.get(batch["key"])
    if set(body) != {batch["key"]}:
        return [f"the body holds more than '{batch['key']}'"]
    if not isinstance(statements, list) or not batch["min"] <= len(statements) <= batch["max"]:
        return [f"between:{batch['min']},{batch['max']}"]
    problems = []
    puids = [s.get("puid") for s in statements]
    if len(set(puids)) != len(puids):
        problems.append("puid not unique in the request")
    for index, statement in enumerate(statements):
        verdict = check_statement(statement)
        if not verdict.accepted:
            problems.append(f"statement_{index}: {verdict.errors}")
    return problems
