"""The dashboard's one filter bar as a value, and its round trip through a URL's query
parameters, so that a view can be shared by link."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

INTERVALS = ("day", "week")
MULTI_VALUED = ("elections", "phases", "platforms", "categories", "provinces", "priorities")
# Query parameter → field. The names match the case queue's, so a dashboard link and a
# queue link read alike.
PARAM_FIELDS = {
    "election": "elections",
    "phase": "phases",
    "platform": "platforms",
    "category": "categories",
    "province": "provinces",
    "priority": "priorities",
}
_MAX_VALUES = 64
_MAX_CODE = 64


@dataclass(frozen=True)
class DashboardFilters:
    """What the whole dashboard page shows. Dates are the viewer's local dates of filing,
    both inclusive; an empty tuple means no restriction."""

    date_from: date | None = None
    date_to: date | None = None
    elections: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    interval: str = "day"

    def but(self, **changes) -> DashboardFilters:
        return replace(self, **changes)


def _codes(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    values = []
    for part in raw.split(","):
        part = part.strip()
        if part and len(part) <= _MAX_CODE and part not in values:
            values.append(part)
    return tuple(values[:_MAX_VALUES])


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def filters_from_params(params: Mapping[str, str]) -> DashboardFilters:
    """Filters read from query parameters; anything malformed is ignored, not an error
    (a pasted link should still open the page)."""
    date_from, date_to = _day(params.get("from")), _day(params.get("to"))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    interval = params.get("interval", "day")
    return DashboardFilters(
        date_from=date_from,
        date_to=date_to,
        interval=interval if interval in INTERVALS else "day",
        **{name: _codes(params.get(param)) for param, name in PARAM_FIELDS.items()},
    )


def filters_to_params(filters: DashboardFilters) -> dict[str, str]:
    """The query parameters that `filters_from_params` reads back to `filters`."""
    params: dict[str, str] = {}
    if filters.date_from:
        params["from"] = filters.date_from.isoformat()
    if filters.date_to:
        params["to"] = filters.date_to.isoformat()
    for param, name in PARAM_FIELDS.items():
        values = getattr(filters, name)
        if values:
            params[param] = ",".join(values)
    if filters.interval != "day":
        params["interval"] = filters.interval
    return params


def queue_params(
    filters: DashboardFilters,
    *,
    bucket: date | None = None,
    interval: str | None = None,
    **narrower: str,
) -> dict[str, str]:
    """Query parameters that open the case queue on the cases behind a clicked mark:
    the page's filters, narrowed to the clicked bucket (a day or a week) and to
    `narrower` (`platform="tiktok"`, `province="32"`, `status="sent"`, …)."""
    params = {key: value for key, value in filters_to_params(filters).items() if key != "interval"}
    if bucket is not None:
        days = 7 if (interval or filters.interval) == "week" else 1
        start, end = bucket, bucket + timedelta(days=days - 1)
        if filters.date_from and filters.date_from > start:
            start = filters.date_from
        if filters.date_to and filters.date_to < end:
            end = filters.date_to
        params["from"], params["to"] = start.isoformat(), end.isoformat()
    for key, value in narrower.items():
        if value:
            params[key] = value
    return params


# Above this many days, a daily chart is a comb: the dashboard counts by week.
WEEKLY_ABOVE_DAYS = 60


def interval_for(date_from: date | None, date_to: date | None) -> str:
    """ "week" when the range spans more than 60 days (or is open-ended), else "day"."""
    if date_from is None or date_to is None:
        return "week"
    return "week" if (date_to - date_from).days > WEEKLY_ABOVE_DAYS else "day"


def default_filters(calendar, today: date, with_cases=None) -> DashboardFilters:
    """What the dashboard opens on: the election whose calendar holds `today`, else the
    latest one begun, else the next one; from its first day to its last (today at the
    latest), by week when that is longer than 60 days. `calendar` holds the phases
    (election, starts_on, ends_on), as DashboardOptions.calendar does; with
    `with_cases`, only elections with cases the viewer sees are considered."""
    spans: dict[str, tuple[date, date]] = {}
    for band in calendar:
        first, last = spans.get(band.election, (band.starts_on, band.ends_on))
        spans[band.election] = (min(first, band.starts_on), max(last, band.ends_on))
    if with_cases:
        # An election without a case draws empty charts: open on one that has cases.
        spans = {code: span for code, span in spans.items() if code in with_cases} or spans
    if not spans:
        return DashboardFilters(interval="week")
    current = [code for code, (first, last) in spans.items() if first <= today <= last]
    begun = [code for code, (first, _last) in spans.items() if first <= today]
    if current:
        chosen = max(current, key=lambda code: spans[code][0])
    elif begun:
        chosen = max(begun, key=lambda code: spans[code][1])
    else:
        chosen = min(spans, key=lambda code: spans[code][0])
    first, last = spans[chosen]
    until = min(last, today) if first <= today else last
    return DashboardFilters(
        date_from=first,
        date_to=until,
        elections=(chosen,),
        interval=interval_for(first, until),
    )


def headline_queue_params(filters: DashboardFilters, today: date) -> dict[str, dict[str, str]]:
    """For each headline number, the queue link that lists the cases it counts: open
    cases, the overdue view, the cases referred this (Monday-first) week, and the
    decided ones behind the median and the share actioned."""
    from casework.desk.workflow import OPEN_STATUSES, Status

    week_start = today - timedelta(days=today.weekday())
    decided = ",".join(sorted({Status.DECIDED, Status.CLOSED, Status.CONTESTED, Status.ESCALATED}))
    everything = {"view": "all"}
    return {
        "open": {
            **queue_params(filters, status=",".join(sorted(OPEN_STATUSES))),
            **everything,
        },
        "overdue": {**queue_params(filters), "view": "overdue", "overdue": "1"},
        "referred_this_week": {
            **queue_params(
                filters,
                referred_from=week_start.isoformat(),
                referred_to=(week_start + timedelta(days=6)).isoformat(),
            ),
            **everything,
        },
        "decided": {**queue_params(filters, status=decided), **everything},
    }


# The categories a chart names; the others are drawn together as "other categories".
TOP_CATEGORIES = 6
REST = "__rest__"


def top_keys(totals: dict[str, int], *, keep: int = TOP_CATEGORIES) -> list[str]:
    """The `keep` keys with the largest totals (ties by key), or all of them when there
    are at most one more than `keep` (folding a single key into "other" hides it)."""
    ranked = sorted(totals, key=lambda key: (-totals[key], key))
    return ranked if len(ranked) <= keep + 1 else ranked[:keep]
