"""Organisations and e-mail domain rules (admins): who works for whom, what each
organisation may see, and where new provider identities wait for approval."""

from __future__ import annotations

import streamlit as st

from casework import admin
from casework.desk.schemas import OrganisationIn
from casework.people.providers import configured_providers
from casework.people.roles import ORG_KIND_LABELS, ROLE_LABELS, OrgKind, Role
from pages import calls, forms, ui

NEW = 0  # the "new organisation" choice of the editor


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Organisations"))
    ui.show_flash()
    with calls.reading() as session:
        rows = admin.list_organisations(session=session, actor=actor)
        regions = dict(admin.region_choices(session=session))
        platforms = dict(admin.platform_choices(session=session))
        rules = admin.email_domain_rules(session=session, actor=actor)
    tabs = st.tabs([_("Organisations"), _("E-mail domain rules")])
    with tabs[0]:
        _organisations(actor, rows, regions, platforms)
    with tabs[1]:
        _rules(actor, rules, [row.organisation for row in rows])


def _field_error(form: str, field: str) -> None:
    forms.field_error("orgs", form, field)


def _attempt(form: str, call, success: str, *, clear: str | None = None) -> None:
    forms.attempt("orgs", form, call, success, clear=clear)


def _region_label(code: str | None, regions: dict[str, str], _) -> str:
    if not code:
        return _("National office")
    return f"{regions.get(code, code)} ({code})"


# --- organisations ---------------------------------------------------------------------


def _organisations(actor, rows, regions, platforms) -> None:
    _ = ui.gettext()
    st.dataframe(
        [
            {
                _("Name"): row.organisation.name,
                _("Kind"): _(ORG_KIND_LABELS[row.organisation.kind]),
                _("Region"): _region_label(row.organisation.region_code, regions, _)
                if row.organisation.kind == OrgKind.SUPERVISORY
                else "—",
                _("Platforms"): ", ".join(platforms.get(c, c) for c in row.platform_codes) or "—",
                _("Users"): row.user_count,
                _("Active"): _("Yes") if row.organisation.active else _("No"),
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
    )
    st.subheader(_("Add or change an organisation"))
    by_id = {row.organisation.id: row for row in rows}
    chosen = st.selectbox(
        _("Organisation"),
        [NEW, *by_id],
        format_func=lambda i: _("New organisation") if i == NEW else by_id[i].organisation.name,
        key="orgs_edit_id",
    )
    _editor(actor, by_id.get(chosen), regions, platforms, suffix=str(chosen))


def _editor(actor, row, regions, platforms, *, suffix: str) -> None:
    _ = ui.gettext()
    organisation = row.organisation if row else None
    key = f"orgs_edit_{suffix}_"
    st.text_input(
        _("Name"), value=organisation.name if organisation else "", key=key + "name", max_chars=200
    )
    _field_error("organisation", "name")
    kinds = list(OrgKind)
    kind = st.selectbox(
        _("Kind"),
        kinds,
        index=kinds.index(OrgKind(organisation.kind)) if organisation else None,
        format_func=lambda k: _(ORG_KIND_LABELS[k]),
        placeholder=_("Choose…"),
        key=key + "kind",
    )
    _field_error("organisation", "kind")
    region_code, platform_codes = None, []
    if kind == OrgKind.SUPERVISORY:
        codes = ["", *regions]
        current = (organisation.region_code or "") if organisation else ""
        region_code = st.selectbox(
            _("Region"),
            codes,
            index=codes.index(current) if current in codes else 0,
            format_func=lambda c: _region_label(c, regions, _),
            key=key + "region",
            help=_("A regional office sees the cases of its province or regency/city."),
        )
        _field_error("organisation", "region_code")
    elif kind == OrgKind.PLATFORM:
        platform_codes = st.multiselect(
            _("Platforms it operates"),
            list(platforms),
            default=list(row.platform_codes) if row else [],
            format_func=platforms.get,
            key=key + "platforms",
            help=_("Its liaisons answer for the cases referred to these platforms."),
            placeholder=ui.choose(),
        )
        _field_error("organisation", "platform_codes")
    data = OrganisationIn(
        name=st.session_state.get(key + "name") or "",
        kind=kind or "",
        region_code=region_code or None,
        platform_codes=platform_codes,
    )
    if organisation is None:
        if st.button(_("Add organisation"), type="primary", key="orgs_create_submit"):
            _attempt(
                "organisation",
                lambda session: admin.create_organisation(
                    session=session, actor=actor, organisation=data
                ),
                _("{name} is added.").format(name=ui.plain(data.name.strip())),
                clear="orgs_edit_",
            )
        return
    st.caption(_("A change of kind, region or platforms ends the sessions of its users."))
    left, right = st.columns(2)
    if left.button(_("Save organisation"), type="primary", key="orgs_update_submit"):
        _attempt(
            "organisation",
            lambda session: admin.update_organisation(
                session=session, actor=actor, organisation_id=organisation.id, organisation=data
            ),
            _("Saved."),
            clear=key,
        )
    if organisation.active:
        if right.button(_("Deactivate organisation"), key="orgs_deactivate_submit"):
            _attempt(
                "organisation",
                lambda session: admin.set_organisation_active(
                    session=session, actor=actor, organisation_id=organisation.id, active=False
                ),
                _("{name} is deactivated; the sessions of its users have ended.").format(
                    name=ui.plain(organisation.name)
                ),
            )
    elif right.button(_("Reactivate organisation"), key="orgs_reactivate_submit"):
        _attempt(
            "organisation",
            lambda session: admin.set_organisation_active(
                session=session, actor=actor, organisation_id=organisation.id, active=True
            ),
            _("{name} is active again.").format(name=ui.plain(organisation.name)),
        )
    _field_error("organisation", "organisation_id")


# --- e-mail domain rules ---------------------------------------------------------------


def _rules(actor, rules, organisations) -> None:
    _ = ui.gettext()
    st.caption(
        _(
            "Someone who signs in through an identity provider with a verified e-mail "
            "address at one of these domains waits for approval in the rule's organisation, "
            "with its role. An administrator still approves each person."
        )
    )
    if rules:
        st.dataframe(
            [
                {
                    _("Domain"): rule.domain,
                    _("Organisation"): organisation.name,
                    _("Role"): _(ROLE_LABELS[rule.role]),
                    _("Sign-in providers"): ", ".join(rule.providers or []),
                }
                for rule, organisation in rules
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.info(_("No rule yet: every new identity waits unassigned."))
    st.subheader(_("Add or replace a rule"))
    st.text_input(_("Domain"), key="orgs_rule_domain", max_chars=200, placeholder="bawaslu.go.id")
    _field_error("rule", "domain")
    active = {o.id: o for o in organisations if o.active}
    organisation_id = st.selectbox(
        _("Organisation"),
        list(active),
        index=None,
        format_func=lambda i: f"{active[i].name} · {_(ORG_KIND_LABELS[active[i].kind])}",
        placeholder=_("Choose…"),
        key="orgs_rule_organisation",
    )
    _field_error("rule", "organisation_id")
    # Administrators are appointed one by one, never by a rule.
    roles = [r for r in Role if r != Role.ADMIN]
    role = st.selectbox(
        _("Role"),
        roles,
        index=None,
        format_func=lambda r: _(ROLE_LABELS[r]),
        placeholder=_("Choose…"),
        key="orgs_rule_role",
    )
    _field_error("rule", "role")
    # The domain is bound to these providers: no other may speak for its addresses.
    providers = [p.name for p in configured_providers(st.secrets)]
    chosen = st.multiselect(
        _("Sign-in providers"),
        providers,
        key="orgs_rule_providers",
        placeholder=ui.choose(),
        help=_("Only these providers may assert e-mail addresses of this domain."),
    )
    _field_error("rule", "providers")
    if st.button(_("Save rule"), type="primary", key="orgs_rule_submit"):
        domain = st.session_state.get("orgs_rule_domain") or ""
        _attempt(
            "rule",
            lambda session: admin.set_email_domain_rule(
                session=session,
                actor=actor,
                domain=domain,
                organisation_id=organisation_id or 0,
                role=role or "",
                providers=chosen,
            ),
            _("The rule for {domain} is saved.").format(domain=ui.plain(domain.strip())),
            clear="orgs_rule_",
        )
    if rules:
        st.subheader(_("Delete a rule"))
        domain = st.selectbox(
            _("Domain"), [rule.domain for rule, _org in rules], key="orgs_rule_delete_domain"
        )
        _field_error("rule_delete", "domain")
        if st.button(_("Delete rule"), key="orgs_rule_delete_submit"):
            _attempt(
                "rule_delete",
                lambda session: admin.delete_email_domain_rule(
                    session=session, actor=actor, domain=domain
                ),
                _("The rule for {domain} is deleted.").format(domain=ui.plain(domain)),
                clear="orgs_rule_delete_",
            )
