"""Accounts as the sign-in screens need them. Real sign-in (passwords, OIDC, server-side
sessions) replaces the demo chooser in the sign-in issue; until then demo mode offers
"continue as" one of the demo accounts, and outside demo mode nobody gets in."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.actors import Actor, actor_for
from casework.audit import record_event
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import LANGUAGES, N_, TIME_ZONES
from casework.transactions import rolls_back
from db.config import Settings
from db.engine import begin_write
from db.models import Organisation, User


def demo_accounts(*, session: Session, settings: Settings) -> list[tuple[User, Organisation]]:
    """The demo accounts offered on the sign-in page; none outside demo mode."""
    if not settings.demo_mode:
        return []
    rows = session.exec(
        select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.is_demo, User.active)
        .order_by(User.id)
    ).all()
    return list(rows)


@rolls_back
def continue_as_demo(*, session: Session, settings: Settings, user_id: int) -> Actor:
    """Start a demo session as one of the demo accounts (demo mode only)."""
    if not settings.demo_mode:
        raise PermissionDenied()
    user = session.get(User, user_id)
    if user is None or not user.is_demo or not user.active:
        raise PermissionDenied()
    begin_write(session)
    record_event(session, action="demo_sign_in", actor_id=user.id)
    session.commit()
    return actor_for(session, user.id)


@rolls_back
def update_preferences(*, session: Session, actor: Actor, language: str, time_zone: str) -> Actor:
    """Change the signed-in user's language and time zone."""
    errors = {}
    if language not in LANGUAGES:
        errors["language"] = N_("Choose a value from the list.")
    if time_zone not in TIME_ZONES:
        errors["time_zone"] = N_("Choose a value from the list.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    user = session.get(User, actor.user_id)
    user.language, user.time_zone = language, time_zone
    session.add(user)
    session.commit()
    return actor_for(session, actor.user_id)


def list_users(*, session: Session, actor: Actor) -> list[tuple[User, Organisation]]:
    """Every account with its organisation (admins only)."""
    from casework.roles import Role

    if actor.role != Role.ADMIN:
        raise PermissionDenied()
    return list(
        session.exec(
            select(User, Organisation)
            .join(Organisation, Organisation.id == User.organisation_id)
            .order_by(Organisation.name, User.username)
        ).all()
    )
