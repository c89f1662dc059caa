"""Queue filters as link parameters and saved views."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casework.desk.queries import CaseFilters, View
from casework.desk.saved_views import (
    delete_view,
    filters_from_params,
    filters_to_params,
    list_saved_views,
    save_view,
)
from casework.errors import PermissionDenied, ValidationError
from casework.people.roles import Role
from tests.factories import make_actor

WIB = "Asia/Jakarta"


def test_every_filter_survives_the_trip_through_a_link():
    filters = CaseFilters(
        statuses=("sent", "acknowledged"),
        platforms=("tiktok",),
        categories=("hoax",),
        provinces=("32",),
        regencies=("32.01",),
        priorities=("urgent",),
        phases=("quiet_period",),
        elections=("pemilu2024",),
        assignee="me",
        overdue_only=True,
        text="surat suara",
        created_from=datetime(2024, 2, 10, 17, 0, tzinfo=UTC),  # 11 Feb 00:00 WIB
        created_to=datetime(2024, 2, 13, 17, 0, tzinfo=UTC),  # up to 13 Feb WIB inclusive
        referred_from=datetime(2024, 2, 11, 17, 0, tzinfo=UTC),
        referred_to=datetime(2024, 2, 12, 17, 0, tzinfo=UTC),
        view=View.OVERDUE.value,
    )
    params = filters_to_params(filters, zone=WIB)
    assert params["from"] == "2024-02-11" and params["to"] == "2024-02-13"
    assert params["status"] == "sent,acknowledged"
    back = filters_from_params(params, zone=WIB)
    assert back == filters


def test_link_dates_are_the_viewers_local_days():
    wita = filters_from_params({"from": "2024-02-14", "to": "2024-02-14"}, zone="Asia/Makassar")
    assert wita.created_from == datetime(2024, 2, 13, 16, 0, tzinfo=UTC)
    assert wita.created_to == datetime(2024, 2, 14, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "sent'; DROP TABLE case_file;--"},
        {"from": "yesterday", "to": "2024-13-45"},
        {"assignee": "someone"},
        {"view": "everything"},
        {"overdue": "maybe"},
        {"platform": ",,,"},
    ],
)
def test_a_mangled_link_opens_the_queue_without_those_filters(params):
    assert filters_from_params(params, zone=WIB) == CaseFilters()


def test_a_saved_view_keeps_filters_and_sort_and_a_second_save_replaces_it(session):
    officer = make_actor(session, role=Role.OFFICER)
    filters = CaseFilters(platforms=("tiktok",), view=View.AWAITING_PLATFORM.value)
    save_view(
        session=session,
        actor=officer,
        name="  TikTok   waiting ",
        filters=filters,
        sort="sla_due_at",
        descending=False,
        zone=WIB,
    )
    save_view(
        session=session,
        actor=officer,
        name="TikTok waiting",
        filters=CaseFilters(platforms=("youtube",)),
        sort="nonsense",
        descending=True,
        zone=WIB,
    )
    views = list_saved_views(session=session, actor=officer)
    assert [v.name for v in views] == ["TikTok waiting"]
    stored = views[0].filters
    assert stored["params"] == {"platform": "youtube"}
    assert stored["sort"] == "updated_at" and stored["descending"] is True


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_view_needs_a_name_of_reasonable_length(session, name):
    officer = make_actor(session, role=Role.OFFICER)
    with pytest.raises(ValidationError) as refused:
        save_view(
            session=session,
            actor=officer,
            name=name,
            filters=CaseFilters(),
            sort="updated_at",
            descending=True,
            zone=WIB,
        )
    assert "name" in refused.value.field_errors
    assert list_saved_views(session=session, actor=officer) == []


def test_views_are_private_and_only_their_owner_deletes_them(session):
    owner = make_actor(session, role=Role.OFFICER)
    other = make_actor(session, role=Role.LEAD)
    view = save_view(
        session=session,
        actor=owner,
        name="Mine",
        filters=CaseFilters(),
        sort="updated_at",
        descending=True,
        zone=WIB,
    )
    assert list_saved_views(session=session, actor=other) == []
    with pytest.raises(PermissionDenied):
        delete_view(session=session, actor=other, view_id=view.id)
    delete_view(session=session, actor=owner, view_id=view.id)
    assert list_saved_views(session=session, actor=owner) == []
