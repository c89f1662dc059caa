"""The joint transparency report for a period and election: every figure comes from the
dashboard's figure functions (`casework.analytics`), so report and dashboard never
disagree. Two versions: internal (every figure) and public (aggregates only, small
counts suppressed so that no single case or reporter can be singled out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from casework.analytics import figures
from casework.analytics.breakdown import breakdown, response_summary, totals
from casework.analytics.clock_compliance import ClockCompliance
from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import OTHER_PLATFORMS
from casework.analytics.verification import RemovalChecks
from casework.errors import PermissionDenied
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import may_read_internal_report
from casework.people.roles import OrgKind, Role
from casework.records.checkpoints import CheckpointView, checkpoint_for_report
from db.read_model import ReadModel

INTERNAL = "internal"
PUBLIC = "public"
# A platform's own report for its liaisons: every figure, of the cases referred to the
# platforms their organisation operates (the dashboard's liaison scope), no other.
PLATFORM = "platform"
SUPPRESSED = "suppressed"  # a cell held back in the public version


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # message id
    kind: str = "count"  # count | share | hours | label


@dataclass
class Table:
    key: str
    title: str  # message id
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)


@dataclass
class Report:
    version: str
    date_from: date | None
    date_to: date | None
    elections: tuple[str, ...]
    phases: tuple[str, ...]
    generated_at: datetime
    threshold: int
    headline: Table
    tables: list[Table]
    # The signed audit checkpoint the report prints (casework.records.checkpoints), so that a
    # published report anchors the audit chain outside Pantau.
    checkpoint: CheckpointView | None = None


def may_read_report(actor: Actor, version: str) -> bool:
    """Internal: the supervisory body's caseworkers and admins. Public: observers too.
    Platform: a platform's liaisons, of their own platforms only."""
    if version == PLATFORM:
        return (
            actor.role == Role.LIAISON
            and actor.organisation_kind == OrgKind.PLATFORM
            and bool(actor.platform_codes)
        )
    return may_read_internal_report(actor) or (version == PUBLIC and actor.role == Role.OBSERVER)


def report_versions(actor: Actor) -> list[str]:
    """The versions `actor` may read, the fullest first."""
    return [v for v in (INTERNAL, PUBLIC, PLATFORM) if may_read_report(actor, v)]


def _share(part, whole):
    return None if not whole else part / whole


def _float(value):
    return None if value is None or value != value else float(value)  # NaN → None


def build_report(
    *,
    actor: Actor,
    filters: DashboardFilters,
    version: str,
    now: datetime,
    threshold: int,
    model: ReadModel | None = None,
    removals: RemovalChecks | None = None,
    clocks: ClockCompliance | None = None,
) -> Report:
    """The report's figures for the period and election in `filters`; with `removals`
    (`casework.analytics.verification.removal_checks` for the same filters), also the
    removals Pantau verified against those merely reported; with `clocks`
    (`casework.analytics.clock_compliance.clock_compliance`, same filters), which
    deadlines were met, by whom, and the platforms' hours under the agreed and the
    regulatory deadline."""
    if version not in (INTERNAL, PUBLIC, PLATFORM) or not may_read_report(actor, version):
        raise PermissionDenied()
    filters = filters.but(interval="day")
    kw = {"actor": actor, "filters": filters, "model": model}
    total = totals(**kw)
    head = figures.headline(**kw, now=now)
    sla = figures.sla_compliance(**kw, now=now)
    sla_all = int(sla["measured"].sum()) if len(sla) else 0
    sla_in = int(sla["in_time"].sum()) if len(sla) else 0
    headline = Table(
        "headline",
        N_("Headline figures"),
        [Column("figure", N_("Figure"), "label"), Column("value", N_("Value"), "mixed")],
        [
            {"figure": N_("Cases filed"), "value": total["filed"], "kind": "count"},
            {"figure": N_("Referred to a platform"), "value": total["referred"], "kind": "count"},
            {"figure": N_("Decided by a platform"), "value": total["decided"], "kind": "count"},
            {
                "figure": N_("Share acted on"),
                "value": _share(total["actioned"], total["decided"]),
                "kind": "share",
                "base": total["decided"],
            },
            {
                "figure": N_("Median hours to decision"),
                "value": head.median_hours_to_decision,
                "kind": "hours",
                "base": total["decided"],
            },
            {
                "figure": N_("Decided within the deadline"),
                "value": _share(sla_in, sla_all),
                "kind": "share",
                "base": sla_all,
            },
            {
                "figure": N_("Escalated to the regulator"),
                "value": total["escalated"],
                "kind": "count",
            },
            {"figure": N_("Decisions contested"), "value": total["contested"], "kind": "count"},
        ],
    )
    if removals is not None:
        headline.rows += [
            {
                "figure": N_("Removals reported by platforms"),
                "value": removals.reported,
                "kind": "count",
            },
            {
                "figure": N_("Removals verified gone by Pantau"),
                "value": removals.verified_gone,
                "kind": "count",
            },
            {
                "figure": N_("Removed content found still reachable"),
                "value": removals.still_reachable,
                "kind": "count",
            },
        ]
    tables = [
        _platform_table(kw, sla),
        _decision_table(kw),
        _dimension_table(kw, "category", N_("By category"), N_("Category")),
        _dimension_table(kw, "province", N_("By province"), N_("Province")),
        _dimension_table(kw, "source", N_("By source"), N_("Source")),
    ]
    if clocks is not None:
        tables += clock_tables(clocks)
    report = Report(
        version=version,
        date_from=filters.date_from,
        date_to=filters.date_to,
        elections=filters.elections,
        phases=filters.phases,
        generated_at=now,
        threshold=threshold,
        headline=headline,
        tables=tables,
    )
    if version == PUBLIC:
        suppress(report)
    if version == PLATFORM:
        # The liaison's own platforms only: the all-platforms aggregate their dashboard
        # compares against is not part of their platform's report.
        for table in report.tables:
            table.rows = [row for row in table.rows if not is_other_platforms(row.get("key"))]
    return report


def anchor_report(report: Report, *, session: Session, now: datetime) -> Report:
    """Sign a checkpoint of the audit chain for `report` (or reuse the last one when no
    event was added since) and attach it; every format prints it. Commits."""
    report.checkpoint = checkpoint_for_report(session=session, now=now)
    return report


def _platform_table(kw, sla) -> Table:
    frame = breakdown(**kw, by="platform")
    times = response_summary(**kw)
    table = Table(
        "platforms",
        N_("By platform"),
        [
            Column("key", N_("Platform"), "label"),
            Column("filed", N_("Filed")),
            Column("referred", N_("Referred")),
            Column("decided", N_("Decided")),
            Column("share_actioned", N_("Share acted on"), "share"),
            Column("ack_median", N_("Median hours to acknowledgement"), "hours"),
            Column("ack_p90", N_("90th percentile hours to acknowledgement"), "hours"),
            Column("decision_median", N_("Median hours to decision"), "hours"),
            Column("decision_p90", N_("90th percentile hours to decision"), "hours"),
            Column("sla_share", N_("Decided within the deadline"), "share"),
            Column("escalated", N_("Escalated")),
            Column("contested", N_("Contested")),
        ],
    )
    for row in frame.to_dict("records"):
        key = row["key"]

        def timing(measure, column, key=key):
            match = times[(times["platform"] == key) & (times["measure"] == measure)]
            return (
                (_float(match[column].iloc[0]), int(match["cases"].iloc[0]))
                if len(match)
                else (None, 0)
            )

        ack_median, ack_cases = timing("acknowledgement", "median_hours")
        ack_p90, _ = timing("acknowledgement", "p90_hours")
        dec_median, dec_cases = timing("decision", "median_hours")
        dec_p90, _ = timing("decision", "p90_hours")
        platform_sla = sla[sla["platform"] == key]
        measured = int(platform_sla["measured"].sum()) if len(platform_sla) else 0
        in_time = int(platform_sla["in_time"].sum()) if len(platform_sla) else 0
        table.rows.append(
            {
                "key": key,
                "filed": int(row["filed"]),
                "referred": int(row["referred"]),
                "decided": int(row["decided"]),
                "share_actioned": _share(int(row["actioned"]), int(row["decided"])),
                "ack_median": ack_median,
                "ack_p90": ack_p90,
                "decision_median": dec_median,
                "decision_p90": dec_p90,
                "sla_share": _share(in_time, measured),
                "escalated": int(row["escalated"]),
                "contested": int(row["contested"]),
                # the number each derived figure rests on, for suppression
                "_base": {
                    "share_actioned": int(row["decided"]),
                    "ack_median": ack_cases,
                    "ack_p90": ack_cases,
                    "decision_median": dec_cases,
                    "decision_p90": dec_cases,
                    "sla_share": measured,
                },
            }
        )
    return table


def _decision_table(kw) -> Table:
    frame = figures.outcomes(**kw)
    table = Table(
        "decisions",
        N_("Decisions by type"),
        [
            Column("key", N_("Platform"), "label"),
            Column("decision_type", N_("Decision"), "label"),
            Column("cases", N_("Cases")),
        ],
    )
    if len(frame):
        summed = frame.groupby(["platform", "decision_type"], as_index=False)["cases"].sum()
        for row in summed.sort_values(["platform", "cases"], ascending=[True, False]).to_dict(
            "records"
        ):
            table.rows.append(
                {
                    "key": row["platform"],
                    "decision_type": row["decision_type"],
                    "cases": int(row["cases"]),
                }
            )
    return table


def _dimension_table(kw, by: str, title: str, label: str) -> Table:
    frame = breakdown(**kw, by=by)
    table = Table(
        by,
        title,
        [
            Column("key", label, "label"),
            Column("filed", N_("Filed")),
            Column("referred", N_("Referred")),
            Column("decided", N_("Decided")),
            Column("share_actioned", N_("Share acted on"), "share"),
        ],
    )
    for row in frame.to_dict("records"):
        table.rows.append(
            {
                "key": row["key"],
                "filed": int(row["filed"]),
                "referred": int(row["referred"]),
                "decided": int(row["decided"]),
                "share_actioned": _share(int(row["actioned"]), int(row["decided"])),
                "_base": {"share_actioned": int(row["decided"])},
            }
        )
    return table


_CLOCK_COUNTS = [
    Column("on_time", N_("Met in time")),
    Column("late", N_("Late")),
    Column("running", N_("Running")),
    Column("paused", N_("Paused")),
    Column("share", N_("Share met in time"), "share"),
]


def _clock_row(row, **keys) -> dict:
    # None: held back for an aggregate-only reader (casework.analytics.suppression).
    counts = {
        name: SUPPRESSED if getattr(row, name) is None else getattr(row, name)
        for name in ("on_time", "late", "running", "paused")
    }
    settled = (row.on_time or 0) + (row.late or 0)
    share = None if None in (row.on_time, row.late) else _share(row.on_time, settled)
    return {**keys, **counts, "share": share, "_base": {"share": settled}}


def clock_tables(clocks: ClockCompliance) -> list[Table]:
    """Which deadlines were met, by whom (per rule and per owner), and the platforms'
    median and p90 hours under the agreed and the regulatory deadline."""
    by_rule = Table(
        "clock_rules",
        N_("Deadlines met, per rule"),
        [Column("key", N_("Deadline"), "label"), Column("owner", N_("Owner"), "label")]
        + _CLOCK_COUNTS,
        [_clock_row(r, key=r.rule_code, owner=r.owner) for r in clocks.by_rule],
    )
    by_owner = Table(
        "clock_owners",
        N_("Deadlines met, per owner"),
        [Column("owner", N_("Owner"), "label")] + _CLOCK_COUNTS,
        [_clock_row(r, owner=r.owner) for r in clocks.by_owner],
    )
    times = Table(
        "clock_times",
        N_("Hours to the platform's decision, agreed and regulatory deadline"),
        [
            Column("key", N_("Platform"), "label"),
            Column("kind", N_("Deadline"), "label"),
            Column("measured", N_("Deadlines met")),
            Column("median", N_("Median hours"), "hours"),
            Column("p90", N_("90th percentile hours"), "hours"),
        ],
        [
            {
                "key": d.platform,
                "kind": d.kind,
                "measured": SUPPRESSED if d.measured is None else d.measured,
                "median": SUPPRESSED if d.median_hours is None else d.median_hours,
                "p90": SUPPRESSED if d.p90_hours is None else d.p90_hours,
                "_base": {"median": d.measured or 0, "p90": d.measured or 0},
            }
            for d in clocks.durations
        ],
    )
    return [by_rule, by_owner, times]


def suppress(report: Report) -> None:
    """Hold back every count below the threshold, and every share, median or
    percentile resting on fewer cases than that (zero stays zero: it names nobody)."""
    limit = report.threshold

    def small(value) -> bool:
        return isinstance(value, int) and 0 < value < limit

    for row in report.headline.rows:
        if row["kind"] == "count" and small(row["value"]):
            row["value"] = SUPPRESSED
        elif row["kind"] != "count" and row.get("base", 0) < limit and row["value"] is not None:
            row["value"] = SUPPRESSED
    for table in report.tables:
        derived = {c.key for c in table.columns if c.kind in ("share", "hours")}
        for row in table.rows:
            bases = row.get("_base", {})
            for column in table.columns:
                value = row.get(column.key)
                if column.kind == "count" and small(value):
                    row[column.key] = SUPPRESSED
                elif (
                    column.key in derived and value is not None and bases.get(column.key, 0) < limit
                ):
                    row[column.key] = SUPPRESSED


def is_other_platforms(key) -> bool:
    return key == OTHER_PLATFORMS
