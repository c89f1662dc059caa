"""Accounts as the sign-in page and the account page need them."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.errors import PermissionDenied, ValidationError
from casework.i18n import LANGUAGES, N_, TIME_ZONES
from casework.people.actors import Actor, actor_for
from casework.uow import service
from db.engine import begin_write
from db.models import Organisation, User


@service
def update_preferences(
    *,
    session: Session,
    actor: Actor,
    language: str,
    time_zone: str,
    email_mode: str | None = None,
) -> Actor:
    """Change the signed-in user's language, time zone and (if given) whether their
    notifications also come by e-mail: off, immediate or daily."""
    from casework.outbox.mailer import EMAIL_MODES

    errors = {}
    if email_mode is not None and email_mode not in EMAIL_MODES:
        errors["email_mode"] = N_("Choose a value from the list.")
    if language not in LANGUAGES:
        errors["language"] = N_("Choose a value from the list.")
    if time_zone not in TIME_ZONES:
        errors["time_zone"] = N_("Choose a value from the list.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    user = session.get(User, actor.user_id)
    user.language, user.time_zone = language, time_zone
    if email_mode is not None:
        user.email_mode = email_mode
    session.add(user)
    return actor_for(session, actor.user_id)


@service
def save_language(*, session: Session, user_id: int, language: str) -> None:
    """Remember `language` as the account's one choice: the sidebar, the sign-in page
    and "My account" all save it here, so that a reload, a new tab and the sign-out
    page open in it."""
    if language not in LANGUAGES:
        raise ValidationError({"language": N_("Choose a value from the list.")})
    begin_write(session)
    user = session.get(User, user_id)
    if user is None:
        raise PermissionDenied()
    if user.language != language:
        user.language = language
        session.add(user)


def saved_language(*, session: Session, user_id: int) -> str | None:
    user = session.get(User, user_id)
    return user.language if user is not None else None


def email_settings(*, session: Session, actor: Actor) -> tuple[str | None, str]:
    """The signed-in user's e-mail address (None without one) and e-mail mode."""
    user = session.get(User, actor.user_id)
    return user.email, user.email_mode


def list_users(*, session: Session, actor: Actor) -> list[tuple[User, Organisation]]:
    """Every account with its organisation (admins only)."""
    from casework.people.permissions import is_supervisory_admin, require

    require(actor, is_supervisory_admin, "list_users")
    return list(
        session.exec(
            select(User, Organisation)
            .join(Organisation, Organisation.id == User.organisation_id)
            # API tokens' accounts are managed with their tokens.
            .where(User.is_api.is_(False))
            .order_by(Organisation.name, User.username)
        ).all()
    )
