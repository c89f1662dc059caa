"""The dashboard's filters survive a round trip through the URL, and a click turns them
into the case queue's parameters."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from casework.analytics.filters import (
    DashboardFilters,
    filters_from_params,
    filters_to_params,
    queue_params,
)
from casework.analytics.provinces import TILE_GRID, load_province_geojson

SEED = Path(__file__).resolve().parents[2] / "db" / "seed_data" / "provinces.csv"
FULL = DashboardFilters(
    date_from=date(2024, 2, 1),
    date_to=date(2024, 2, 29),
    elections=("pemilu2024",),
    phases=("campaign", "quiet_period"),
    platforms=("tiktok", "youtube"),
    categories=("hoax",),
    provinces=("32", "35"),
    priorities=("urgent",),
    interval="week",
)


@pytest.mark.parametrize("filters", [DashboardFilters(), FULL])
def test_filters_survive_a_round_trip_through_query_parameters(filters):
    assert filters_from_params(filters_to_params(filters)) == filters


def test_query_parameters_use_comma_separated_codes_and_iso_dates():
    assert filters_to_params(FULL) == {
        "from": "2024-02-01",
        "to": "2024-02-29",
        "election": "pemilu2024",
        "phase": "campaign,quiet_period",
        "platform": "tiktok,youtube",
        "category": "hoax",
        "province": "32,35",
        "priority": "urgent",
        "interval": "week",
    }


def test_malformed_parameters_are_dropped_rather_than_refused():
    filters = filters_from_params(
        {
            "from": "yesterday",
            "to": "2024-13-01",
            "interval": "hour",
            "platform": ",,tiktok,tiktok,",
        }
    )

    assert filters == DashboardFilters(platforms=("tiktok",))


def test_reversed_dates_in_a_link_are_swapped():
    filters = filters_from_params({"from": "2024-02-10", "to": "2024-02-01"})

    assert (filters.date_from, filters.date_to) == (date(2024, 2, 1), date(2024, 2, 10))


def test_a_clicked_day_narrows_the_queue_to_that_day_and_code():
    assert queue_params(FULL.but(interval="day"), bucket=date(2024, 2, 5), platform="tiktok") == {
        "from": "2024-02-05",
        "to": "2024-02-05",
        "election": "pemilu2024",
        "phase": "campaign,quiet_period",
        "platform": "tiktok",
        "category": "hoax",
        "province": "32,35",
        "priority": "urgent",
    }


def test_a_clicked_week_opens_its_seven_days_clipped_to_the_filter():
    params = queue_params(FULL, bucket=date(2024, 2, 26), category="vote_buying")

    assert (params["from"], params["to"]) == ("2024-02-26", "2024-02-29")
    assert params["category"] == "vote_buying"


def test_a_clicked_province_keeps_the_dates_of_the_page():
    params = queue_params(FULL, province="73")

    assert (params["from"], params["to"], params["province"]) == ("2024-02-01", "2024-02-29", "73")


def test_the_tile_grid_places_all_38_provinces_on_distinct_tiles():
    with SEED.open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]

    assert sorted(TILE_GRID) == sorted(codes)
    assert len({(row, col) for row, col, _ in TILE_GRID.values()}) == 38


def test_province_polygons_are_keyed_by_the_code_found_in_their_properties(tmp_path):
    path = tmp_path / "provinces.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"KODE_PROV": 32}, "geometry": null},'
        '{"type": "Feature", "properties": {"name": "nowhere"}, "geometry": null}]}'
    )

    loaded = load_province_geojson(path)

    assert [f["id"] for f in loaded["features"]] == ["32"]
    assert load_province_geojson(tmp_path / "missing.geojson") is None


# --- the default view (issue 13) --------------------------------------------------------


def _band(election, first, last):
    from types import SimpleNamespace

    return SimpleNamespace(election=election, starts_on=first, ends_on=last)


CALENDAR = [
    _band("pemilu2024", date(2023, 11, 28), date(2024, 2, 10)),
    _band("pemilu2024", date(2024, 2, 15), date(2024, 3, 20)),
    _band("pilkada2024", date(2024, 9, 25), date(2024, 12, 16)),
]


@pytest.mark.parametrize(
    ("today", "election", "first", "last", "interval"),
    [
        # During an election: from its first day to today, by week past 60 days.
        (date(2024, 10, 5), "pilkada2024", date(2024, 9, 25), date(2024, 10, 5), "day"),
        (date(2024, 12, 1), "pilkada2024", date(2024, 9, 25), date(2024, 12, 1), "week"),
        # Between elections, and long after: the latest one, whole.
        (date(2024, 6, 1), "pemilu2024", date(2023, 11, 28), date(2024, 3, 20), "week"),
        (date(2026, 12, 2), "pilkada2024", date(2024, 9, 25), date(2024, 12, 16), "week"),
        # Before any: the next one.
        (date(2023, 1, 1), "pemilu2024", date(2023, 11, 28), date(2024, 3, 20), "week"),
    ],
)
def test_the_dashboard_opens_on_the_current_or_latest_election(
    today, election, first, last, interval
):
    from casework.analytics.filters import default_filters

    chosen = default_filters(CALENDAR, today)
    assert (chosen.elections, chosen.date_from, chosen.date_to, chosen.interval) == (
        (election,),
        first,
        last,
        interval,
    )


def test_phase_labels_that_would_overlap_go_on_rows_of_their_own():
    import plotly.graph_objects as go

    from casework.reference.taxonomy import PHASE_LABELS
    from pages import charts

    bands = [
        _band("pemilu2024", date(2023, 11, 28), date(2024, 2, 10)),
        _band("pemilu2024", date(2024, 2, 11), date(2024, 2, 13)),
        _band("pemilu2024", date(2024, 2, 14), date(2024, 2, 14)),
        _band("pemilu2024", date(2024, 2, 15), date(2024, 3, 20)),
    ]
    phases = ("campaign", "quiet_period", "voting", "recapitulation")
    for band, phase in zip(bands, phases, strict=True):
        band.phase = phase
    fig = go.Figure()
    charts.shade_phases(
        fig,
        bands,
        label=lambda p: str(PHASE_LABELS[p]),
        start=date(2023, 11, 27),
        end=date(2024, 3, 25),
    )
    notes = sorted(fig.layout.annotations, key=lambda a: pd_timestamp(a.x))
    rows = [round(note.y, 3) for note in notes]
    # The quiet period, voting day and recapitulation start within a week: three rows.
    assert len(set(rows[1:])) == 3
    assert rows[0] == 1


def pd_timestamp(value):
    import pandas as pd

    return pd.Timestamp(value)


def test_the_largest_categories_are_named_and_the_rest_folded():
    from casework.analytics.filters import top_keys

    totals = {f"c{n}": n for n in range(1, 11)}
    assert top_keys(totals, keep=6) == ["c10", "c9", "c8", "c7", "c6", "c5"]
    # One more than kept is shown by name rather than folded alone.
    assert top_keys({"a": 3, "b": 2, "c": 1}, keep=2) == ["a", "b", "c"]


def test_every_headline_number_opens_the_queue_on_its_cases():
    from casework.analytics.filters import DashboardFilters, headline_queue_params

    filters = DashboardFilters(date_from=date(2024, 9, 25), elections=("pilkada2024",))
    links = headline_queue_params(filters, date(2024, 10, 9))  # a Wednesday
    assert links["overdue"]["view"] == "overdue"
    assert links["open"]["election"] == "pilkada2024" and "sent" in links["open"]["status"]
    assert (
        links["referred_this_week"]["referred_from"],
        links["referred_this_week"]["referred_to"],
    ) == (
        "2024-10-07",
        "2024-10-13",
    )
    assert "decided" in links["decided"]["status"]


def test_the_dashboard_opens_on_an_election_with_cases():
    from casework.analytics.filters import default_filters

    chosen = default_filters(CALENDAR, date(2026, 12, 2), {"pemilu2024"})
    assert chosen.elections == ("pemilu2024",)
