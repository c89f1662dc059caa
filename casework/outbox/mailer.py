"""E-mail copies of the case desk's notifications, for people who ask for them under
My account: each one at once, or a daily digest. Plain text, in the reader's language,
with a link to the case. Sent by the server's outbox watch when SMTP is configured;
a notification is marked once its message is accepted (at least once: a crash between
sending and marking can repeat one)."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import update
from sqlmodel import Session, select

from casework.i18n import N_, format_datetime, translator
from casework.outbox.notifications import NOTIFICATION_TEXTS
from casework.settings import Settings
from casework.text import single_line
from db.engine import begin_write
from db.models import Notification, User
from db.types import utcnow

log = logging.getLogger(__name__)

EMAIL_MODES = {
    "off": N_("No e-mail"),
    "immediate": N_("An e-mail for each notification"),
    "daily": N_("One digest a day"),
}
DIGEST_EVERY = timedelta(hours=24)
# Notifications older than this when first seen (e-mail was off, or SMTP down for
# days) are not mailed late: the notifications page lists them anyway.
LOOKBACK = timedelta(hours=48)
FOOTER = N_("You receive these e-mails because of your choice under My account in Pantau.")


def case_link(settings: Settings, case_id: int | None) -> str:
    base = settings.public_url.rstrip("/")
    return f"{base}/case?id={case_id}" if case_id else f"{base}/notifications"


def _text(gettext, note: Notification) -> str:
    template = NOTIFICATION_TEXTS.get(note.kind, note.kind)
    return gettext(template).format(**note.params)


def _message(settings: Settings, user: User, subject: str, lines: list[str]) -> EmailMessage:
    gettext = translator(user.language)
    message = EmailMessage()
    message["From"] = settings.email_from
    # A name from a provider's claim once carried a CR/LF, which no header may hold.
    message["To"] = formataddr((" ".join(single_line(user.display_name).split()), user.email))
    message["Subject"] = " ".join(single_line(subject).split())
    message["Message-ID"] = make_msgid(domain="pantau")
    message.set_content("\n".join([*lines, "", "-- ", gettext(FOOTER)]) + "\n")
    return message


def immediate_message(settings: Settings, user: User, note: Notification) -> EmailMessage:
    """One notification as its own e-mail."""
    gettext = translator(user.language)
    text = _text(gettext, note)
    return _message(
        settings, user, f"Pantau: {text}", [text, "", case_link(settings, note.case_id)]
    )


def digest_message(settings: Settings, user: User, notes: list[Notification]) -> EmailMessage:
    """The day's notifications in one e-mail, oldest first."""
    gettext = translator(user.language)
    lines = []
    for note in notes:
        when = format_datetime(note.created_at, language=user.language, time_zone=user.time_zone)
        lines += [f"{when} · {_text(gettext, note)}", f"  {case_link(settings, note.case_id)}"]
    subject = gettext(N_("Pantau: your notifications ({count})")).format(count=len(notes))
    return _message(settings, user, subject, lines)


def due_messages(
    session: Session, settings: Settings, now: datetime
) -> list[tuple[EmailMessage, list[int], int | None]]:
    """What is due now: (message, notification ids, user id if it is a digest)."""
    rows = session.exec(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.created_at >= now - LOOKBACK,
            User.email_mode.in_(("immediate", "daily")),
            User.email.is_not(None),
            User.active,
        )
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for note, user in rows:
        by_user.setdefault(user.id, (user, []))[1].append(note)
    due = []
    for user, notes in by_user.values():
        if user.email_mode == "immediate":
            batches = [([n], None) for n in notes]
        elif user.email_digest_at is None or now - user.email_digest_at >= DIGEST_EVERY:
            batches = [(notes, user.id)]
        else:
            continue
        for batch, digest_user in batches:
            # One message that cannot be built (a malformed address, say) is logged and
            # left out; it must not stop everyone else's e-mail (issue 15, finding 8).
            try:
                if digest_user is None:
                    message = immediate_message(settings, user, batch[0])
                else:
                    message = digest_message(settings, user, batch)
            except Exception:
                log.exception("the e-mail for user %s could not be built; skipped", user.id)
                due.append((None, [n.id for n in batch], digest_user))
                continue
            due.append((message, [n.id for n in batch], digest_user))
    return due


def send_due_email(*, session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Send every e-mail that is due; returns how many the SMTP server accepted. Does
    nothing without `PANTAU_SMTP_HOST`. A server that fails leaves the rest for later."""
    if not settings.smtp_host:
        return 0
    now = now or utcnow()
    due = due_messages(session, settings, now)
    session.rollback()
    if not due:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            for message, note_ids, digest_user in due:
                if message is not None:
                    try:
                        smtp.send_message(message)
                    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, ValueError):
                        # This message's fault, not the server's: log it and go on.
                        log.exception("an e-mail was refused; skipped")
                        message = None
                # Marked either way: a message that cannot go out would otherwise be
                # retried, and fail, on every run for two days.
                _mark_sent(session, note_ids, digest_user, now)
                sent += message is not None
    except (OSError, smtplib.SMTPException):
        log.exception("sending e-mail failed after %s messages; the rest wait", sent)
    return sent


def _mark_sent(session: Session, note_ids: list[int], digest_user: int | None, now: datetime):
    begin_write(session)
    session.execute(
        update(Notification).where(Notification.id.in_(note_ids)).values(emailed_at=now)
    )
    if digest_user is not None:
        session.execute(update(User).where(User.id == digest_user).values(email_digest_at=now))
    session.commit()
