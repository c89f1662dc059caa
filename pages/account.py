"""My account: language, time zone, password and notifications. While an admin's reset
is pending, this is the only page the router offers, with a warning at the top."""

from __future__ import annotations

import streamlit as st

from casework.errors import DomainError, ValidationError
from casework.i18n import LANGUAGE_NAMES, LANGUAGES, N_, TIME_ZONES, translator
from casework.outbox.mailer import EMAIL_MODES
from casework.people.accounts import email_settings, update_preferences
from casework.people.auth import MAX_PASSWORD, SESSION_COOKIE, change_password
from casework.people.roles import ROLE_LABELS
from casework.settings import get_settings
from pages import calls, forms, registry, ui

PASSWORD_FIELDS = ("current", "new", "repeat")


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("My account"))
    ui.show_flash()
    if actor.must_change_password:
        st.warning(
            _("An administrator reset your password. Choose a new one to continue."),
            icon=":material/key:",
        )
    st.text(f"{actor.display_name} · {_(ROLE_LABELS[actor.role])} · {actor.organisation_name}")
    # Only accounts signed in with a password have one to change (not provider sign-ins).
    if actor.must_change_password or _session_token():
        _password_form(actor)

    with calls.reading() as session:
        email, email_mode = email_settings(session=session, actor=actor)
    with st.form("account_preferences"):
        language = st.selectbox(
            _("Language"),
            LANGUAGES,
            format_func=LANGUAGE_NAMES.get,
            index=LANGUAGES.index(actor.language) if actor.language in LANGUAGES else 0,
        )
        zones = list(TIME_ZONES)
        time_zone = st.selectbox(
            _("Time zone"),
            zones,
            format_func=lambda z: f"{TIME_ZONES[z]} ({z})",
            index=zones.index(actor.time_zone) if actor.time_zone in zones else 0,
        )
        modes = list(EMAIL_MODES)
        chosen_mode = st.selectbox(
            _("Notifications by e-mail"),
            modes,
            format_func=lambda mode: _(EMAIL_MODES[mode]),
            index=modes.index(email_mode) if email_mode in modes else 0,
            disabled=not email,
            key="account_email_mode",
            help=_("Sent to {address}.").format(address=email)
            if email
            else _("Your account has no e-mail address; an administrator can add one."),
        )
        if st.form_submit_button(_("Save")):
            try:
                with calls.reading() as session:
                    update_preferences(
                        session=session,
                        actor=actor,
                        language=language,
                        time_zone=time_zone,
                        email_mode=chosen_mode if email else None,
                    )
            except DomainError as error:
                ui.show_error(error)
            else:
                ui.use_language(language)
                ui.flash(translator(language)("Saved."))  # in the language just chosen
                st.rerun()

    st.page_link(
        registry.page("notifications"),
        label=_("Your notifications"),
        icon=":material/notifications:",
    )


def _session_token() -> str | None:
    """This browser's password session, set by the sign-in route (none for a provider)."""
    token = st.context.cookies.get(SESSION_COOKIE)
    return token if isinstance(token, str) and token else None


def _password_form(actor) -> None:
    _ = ui.gettext()
    st.subheader(_("Change password"), anchor=False)
    with st.form("account_password"):
        labels = {
            "current": (_("Current password"), "current-password"),
            "new": (_("New password"), "new-password"),
            "repeat": (_("Repeat the new password"), "new-password"),
        }
        for field, (label, autocomplete) in labels.items():
            st.text_input(
                label,
                type="password",
                key=f"account_password_{field}",
                max_chars=MAX_PASSWORD,
                autocomplete=autocomplete,
            )
            forms.field_error("account", "password", field)
        submitted = st.form_submit_button(_("Change password"))
    if submitted:
        _change_password(actor)


def _change_password(actor) -> None:
    _ = ui.gettext()
    state = st.session_state
    current, new, repeat = (state.get(f"account_password_{f}") or "" for f in PASSWORD_FIELDS)

    def call(session) -> None:
        if new != repeat:
            raise ValidationError({"repeat": N_("The new passwords do not match.")})
        change_password(
            session=session,
            settings=get_settings(),
            actor=actor,
            current=current,
            new=new,
            # This browser stays signed in; every other session of the account ends.
            keep_token=_session_token(),
        )

    # A refusal keeps what was typed and shows each message under its field.
    forms.attempt(
        "account",
        "password",
        call,
        _("Your password was changed. Your other sessions have ended."),
        clear="account_password_",
    )
