"""Notification e-mails through a real SMTP server on loopback (aiosmtpd), read back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from casework.desk.workflow import Action
from casework.errors import ValidationError
from casework.outbox.mailer import send_due_email
from casework.people.accounts import update_preferences
from casework.settings import Settings
from db.models import Notification, User
from tests.factories import advance, make_case, make_desk
from tests.receivers import smtp_server

PUBLIC_URL = "https://pantau.example.go.id"


@pytest.fixture
def mailbox():
    """A local SMTP server that keeps what it receives."""
    with smtp_server() as running:
        yield running


def _settings(mailbox, **overrides) -> Settings:
    return Settings(
        _env_file=None,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        smtp_starttls=False,
        public_url=PUBLIC_URL,
        email_from="Pantau <pantau@example.go.id>",
        **overrides,
    )


def _wants_email(session, actor, mode, language="id", address="rina@example.go.id"):
    user = session.get(User, actor.user_id)
    user.email = address
    session.add(user)
    session.commit()
    update_preferences(
        session=session, actor=actor, language=language, time_zone="Asia/Jakarta", email_mode=mode
    )


def _acknowledged(session, desk):
    case = make_case(session, actor=desk.officer)
    return advance(
        session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ACKNOWLEDGE
    )


def test_an_immediate_notification_is_mailed_in_the_readers_language_with_a_link(session, mailbox):
    desk = make_desk(session)
    _wants_email(session, desk.officer, "immediate")
    case = _acknowledged(session, desk)
    assert send_due_email(session=session, settings=_settings(mailbox), now=case.updated_at) == 1
    [message] = mailbox.messages
    assert message["To"] == f"{desk.officer.display_name} <rina@example.go.id>"
    assert (
        message["Subject"] == f"Pantau: Platform telah mengonfirmasi penerimaan {case.reference}."
    )
    assert f"{PUBLIC_URL}/case?id={case.id}" in message.get_content()


def test_an_english_reader_gets_english(session, mailbox):
    desk = make_desk(session)
    _wants_email(session, desk.officer, "immediate", language="en")
    case = _acknowledged(session, desk)
    send_due_email(session=session, settings=_settings(mailbox), now=case.updated_at)
    assert mailbox.messages[0]["Subject"] == f"Pantau: The platform acknowledged {case.reference}."


def test_a_notification_is_mailed_once(session, mailbox):
    desk = make_desk(session)
    _wants_email(session, desk.officer, "immediate")
    case = _acknowledged(session, desk)
    settings = _settings(mailbox)
    send_due_email(session=session, settings=settings, now=case.updated_at)
    assert send_due_email(session=session, settings=settings, now=case.updated_at) == 0
    assert len(mailbox.messages) == 1


def test_a_daily_reader_gets_one_digest_a_day(session, mailbox):
    desk = make_desk(session)
    _wants_email(session, desk.officer, "daily")
    first = _acknowledged(session, desk)
    second = _acknowledged(session, desk)
    settings = _settings(mailbox)
    now = second.updated_at
    assert send_due_email(session=session, settings=settings, now=now) == 1
    [digest] = mailbox.messages
    assert "(2)" in digest["Subject"]
    body = digest.get_content()
    assert first.reference in body and second.reference in body
    # Another notification the same day waits for tomorrow's digest.
    third = _acknowledged(session, desk)
    assert send_due_email(session=session, settings=settings, now=now + timedelta(hours=1)) == 0
    assert send_due_email(session=session, settings=settings, now=now + timedelta(hours=25)) == 1
    assert third.reference in mailbox.messages[1].get_content()


def test_nobody_is_mailed_who_did_not_ask(session, mailbox):
    desk = make_desk(session)
    _acknowledged(session, desk)
    assert send_due_email(session=session, settings=_settings(mailbox)) == 0
    assert mailbox.messages == []


def test_without_smtp_settings_nothing_is_sent_and_nothing_is_marked(session, mailbox):
    desk = make_desk(session)
    _wants_email(session, desk.officer, "immediate")
    case = _acknowledged(session, desk)
    assert (
        send_due_email(session=session, settings=Settings(_env_file=None), now=case.updated_at) == 0
    )
    emailed = session.exec(select(Notification.emailed_at)).all()
    assert emailed and all(at is None for at in emailed)


def test_a_server_that_is_down_leaves_the_mail_for_the_next_round(session):
    desk = make_desk(session)
    _wants_email(session, desk.officer, "immediate")
    case = _acknowledged(session, desk)
    with smtp_server() as stopped:
        pass
    assert send_due_email(session=session, settings=_settings(stopped), now=case.updated_at) == 0
    with smtp_server() as mailbox:
        sent = send_due_email(session=session, settings=_settings(mailbox), now=case.updated_at)
    assert sent == 1 and len(mailbox.messages) == 1


def test_an_unknown_email_mode_is_refused(session):
    desk = make_desk(session)
    with pytest.raises(ValidationError) as refused:
        update_preferences(
            session=session,
            actor=desk.officer,
            language="id",
            time_zone="Asia/Jakarta",
            email_mode="hourly",
        )
    assert set(refused.value.field_errors) == {"email_mode"}


def test_a_line_break_in_a_name_or_a_bad_address_skips_one_message_not_the_outbox(session, mailbox):
    from db.models import Notification

    desk = make_desk(session)
    poisoned = {
        desk.officer.user_id: ("Rina\r\nBcc: semua@evil.example", "rina@example.go.id"),
        desk.lead.user_id: ("Lead", "lead@example.go.id\r\nBcc: x@evil.example"),
        desk.liaison.user_id: ("Liaison", "liaison@example.go.id"),
    }
    for user_id, (name, address) in poisoned.items():
        user = session.get(User, user_id)
        user.display_name, user.email, user.email_mode = name, address, "immediate"
        session.add(user)
        session.add(Notification(user_id=user_id, kind="case_assigned", params={"reference": "X"}))
    session.commit()

    sent = send_due_email(session=session, settings=_settings(mailbox))

    assert sent == 2
    addressed = sorted(message["To"] for message in mailbox.messages)
    assert addressed[1] == "Liaison <liaison@example.go.id>"
    assert addressed[0].endswith("<rina@example.go.id>") and "\n" not in addressed[0]
    assert all(message["Bcc"] is None for message in mailbox.messages)
    session.expire_all()
    assert session.exec(select(Notification).where(Notification.emailed_at.is_(None))).all() == []
