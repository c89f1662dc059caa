"""Admins edit the region list and the platform list; nobody else can."""

from __future__ import annotations

import pytest
from sqlmodel import select

from casework.errors import PermissionDenied, ValidationError
from casework.people.actors import actor_for
from casework.people.roles import Role
from casework.reference.reference_edits import save_platform, save_region
from db.models import AuditEvent, Platform, Region
from tests.factories import make_actor, make_user, platform_operator


def test_an_admin_renames_a_regency_and_the_change_is_audited(session):
    admin = make_actor(session, role=Role.ADMIN)
    save_region(session=session, actor=admin, code="32.01", name="Kabupaten Bogor (baru)")
    assert session.get(Region, "32.01").name == "Kabupaten Bogor (baru)"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "region_changed")).one()
    assert event.detail["before"] == "Kabupaten Bogor" and event.actor_id == admin.user_id


def test_a_new_regency_takes_its_provinces_time_zone(session):
    admin = make_actor(session, role=Role.ADMIN)
    save_region(session=session, actor=admin, code="51.99", name="Kota Contoh", province_code="51")
    region = session.get(Region, "51.99")
    assert (region.level, region.province_code, region.time_zone) == (
        "regency",
        "51",
        "Asia/Makassar",
    )


@pytest.mark.parametrize("code", ["99", "32.1", "31.99", "x", ""])
def test_a_new_regency_with_a_code_outside_its_province_is_refused(session, code):
    admin = make_actor(session, role=Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        save_region(session=session, actor=admin, code=code, name="Contoh", province_code="32")
    assert "code" in refused.value.field_errors
    assert session.get(Region, code) is None


def test_an_admin_adds_a_platform_and_retires_another(session):
    admin = make_actor(session, role=Role.ADMIN)
    save_platform(session=session, actor=admin, code="bluesky", name="Bluesky")
    save_platform(session=session, actor=admin, code="threads", name="Threads", active=False)
    assert session.get(Platform, "bluesky").active is True
    assert session.get(Platform, "threads").active is False


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_nobody_but_an_admin_edits_regions_or_platforms(session, role):
    actor = make_actor(session, role=role)
    with pytest.raises(PermissionDenied):
        save_region(session=session, actor=actor, code="32.01", name="X")
    with pytest.raises(PermissionDenied):
        save_platform(session=session, actor=actor, code="tiktok", name="X")
    assert session.get(Region, "32.01").name == "Kabupaten Bogor"
    assert session.get(Platform, "tiktok").name == "TikTok"


def test_a_platform_organisations_admin_cannot_edit_platforms(session):
    operator = platform_operator(session, "tiktok")
    platform_admin = actor_for(
        session, make_user(session, role=Role.ADMIN, organisation=operator).id
    )
    with pytest.raises(PermissionDenied):
        save_platform(session=session, actor=platform_admin, code="tiktok", name="TikTok Shop")
    assert session.get(Platform, "tiktok").name == "TikTok"
