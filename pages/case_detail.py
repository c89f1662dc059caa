"""The case page: the record, its clock, the actions the viewer may take, the timeline."""

from __future__ import annotations

from functools import partial

import streamlit as st

from casework.desk import sla
from casework.desk.actions import spec_of, take_action
from casework.desk.bulk import find_by_reference
from casework.desk.case_view import CaseView, load_case_view
from casework.desk.cases import add_comment
from casework.desk.event_kinds import describe, event_label
from casework.desk.schemas import COMMENT_LIMIT
from casework.desk.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from casework.errors import CaseNotFound, DomainError
from casework.intake.urls import links_in_text
from casework.records.audit_log import detail_labels
from casework.reference.taxonomy import term_label, terms
from pages import calls, registry, ui
from pages.bundle_panel import bundle_download
from pages.capture_panel import render_captures
from pages.case_panels import history_download, work_panel
from pages.clock_panel import render_clocks
from pages.decision_form import decision_details, decision_form
from pages.evidence_panel import render_custody, render_evidence, render_upload
from pages.links import link_line, link_table, row_for
from pages.statutory_panel import render_statutory


def _case_id() -> int | None:
    raw = st.query_params.get("id", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    case_id = _case_id()
    st.page_link(registry.page("queue"), label=_("Back to the queue"), icon=":material/arrow_back:")
    ui.show_flash()
    if case_id is None:
        st.info(_("No case selected. Open a case from the queue."))
        return
    try:
        with calls.reading() as session:
            view = load_case_view(
                session=session,
                actor=actor,
                case_id=case_id,
                language=ui.language(),
                timeline_limit=st.session_state.get(f"case_timeline_limit_{case_id}", 100),
            )
    except CaseNotFound as error:
        ui.show_error(error)
        return
    # Action widgets are drawn from the state the user last saw. If the case changed
    # since, a click on them still reaches the service with the old version and is
    # refused with a clear message, instead of the button silently vanishing.
    seen_key = f"case_seen_{view.case_id}"
    seen = st.session_state.get(seen_key) or (view.version, view.actions)
    st.session_state[seen_key] = seen
    _header(view, actor)
    _action_panel(view, actor, version=seen[0], actions=seen[1])
    render_clocks(view, actor)
    left, right = st.columns([3, 2])
    with left:
        _details(view, actor)
        render_evidence(view, actor)
        render_captures(view, actor)
        render_custody(view, actor)
        _decisions(view, actor)
        _timeline(view, actor)
        history_download(view, actor)
        if view.may_bundle:
            bundle_download(actor, [view.case_id], key=f"case_bundle_{view.case_id}")
    with right:
        _actions(view, actor, version=seen[0], actions=seen[1])
        work_panel(view, actor, version=seen[0])
        render_statutory(view.case_id, actor)
        if view.may_add_evidence:
            render_upload(view, actor)
        _comment_form(view, actor)
    if seen[0] != view.version:
        st.session_state[seen_key] = (view.version, view.actions)
        st.rerun()


def _header(view: CaseView, actor) -> None:
    _ = ui.gettext()
    st.title(f"{view.reference}")
    st.subheader(ui.plain(view.title), anchor=False)
    # Plain labelled cells rather than st.metric: a metric cuts a long status or
    # deadline ("Permintaan i…"); these wrap.
    cells = st.columns([3, 2, 2, 4])
    _cell(cells[0], "status", _("Status"), _(STATUS_LABELS[Status(view.status)]))
    _cell(cells[1], "platform", _("Platform"), ui.plain(view.platform))
    _cell(cells[2], "priority", _("Priority"), _(sla.PRIORITY_LABELS[sla.Priority(view.priority)]))
    _cell(cells[3], "deadline", _("Deadline"), _clock_text(view, actor))
    if view.merged_into:
        st.warning(_("Merged into {reference}.").format(reference=view.merged_into))
    if view.merged_from:
        st.caption(_("Merged into this case:"))
        columns = st.columns(min(len(view.merged_from), 6))
        for index, (case_id, reference) in enumerate(view.merged_from[:6]):
            columns[index].page_link(
                registry.page("case"), label=reference, query_params={"id": str(case_id)}
            )
    if view.related:
        st.caption(_("Related cases:"))
        columns = st.columns(min(len(view.related), 6))
        for index, (case_id, reference, status) in enumerate(view.related[:6]):
            columns[index].page_link(
                registry.page("case"),
                label=f"{reference} · {_(STATUS_LABELS[Status(status)])}",
                query_params={"id": str(case_id)},
            )


def _cell(column, name: str, label: str, value: str) -> None:
    with column.container(border=True, key=f"case_header_{name}"):
        st.caption(label)
        st.markdown(f"**{value}**")


def _clock_text(view: CaseView, actor) -> str:
    """The deadline as markdown: its state, when it falls, and the time left or the
    lateness. Green only while the platform is still in time; a decided case shows
    whether it was decided in time, never time left."""
    _ = ui.gettext()
    clock = view.clock
    state = _(sla.CLOCK_LABELS[clock.state])
    parts = [state]
    if clock.due_at is not None and clock.state not in (sla.ClockState.MET, sla.ClockState.MISSED):
        parts.append(ui.format_case_time(clock.due_at, view.time_zone, actor))
    left = ui.time_left(clock)
    if left:
        colour = (
            "red"
            if clock.state == sla.ClockState.BREACHED
            else ("green" if clock.state == sla.ClockState.RUNNING else "gray")
        )
        parts.append(f":{colour}[{left}]")
    if clock.state == sla.ClockState.PAUSED:
        parts.append(_("paused while information is requested"))
    if clock.state == sla.ClockState.MISSED:
        parts[0] = f":red[{state}]"
    return " · ".join(parts)


def _action_panel(view: CaseView, actor, *, version: int, actions: list[Action]) -> None:
    """ "Needs your action": the platform's open question or its latest decision, the
    step expected from the viewer with its form, and the deadline, at the top."""
    _ = ui.gettext()
    step = view.next_step
    with st.container(border=True, key="case_action_panel"):
        st.markdown(f"#### {_('Needs your action')}")
        calls.show_case_errors()
        if step and step.question:
            st.caption(_("The platform's question"))
            st.text(step.question)
        if view.decisions:
            latest = view.decisions[-1]
            st.caption(
                _("The platform's decision of {when}").format(
                    when=ui.format_case_time(latest.decided_at, view.time_zone, actor)
                )
            )
            st.text(", ".join(_decision_labels().get(c, c) for c in latest.decisions))
            if latest.explanation:
                st.text(latest.explanation)
        st.markdown(_("Deadline") + ": " + _clock_text(view, actor))
        primary = step.primary if step and step.primary in actions else None
        if primary is None:
            st.info(
                (_(step.waiting_for) if step and step.waiting_for else None)
                or _("No action is open to you in this state.")
            )
            return
        st.markdown(_("Your next step: **{action}**").format(action=_(ACTION_LABELS[primary])))
        _action_form(view, actor, primary, version)


def _decision_labels() -> dict[str, str]:
    with calls.reading() as session:
        return {
            t.code: term_label(t, ui.language())
            for t in terms(session, "decision_type", active_only=False)
        }


def _details(view: CaseView, actor) -> None:
    _ = ui.gettext()
    with st.container(border=True):
        st.markdown(f"**{_('Description')}**")
        st.text(view.description or "—")
        rows = [
            (_("Category"), view.category),
            (_("Legal ground"), view.legal_ground),
            (_("Account"), view.account_handle),
            (_("Account class"), view.account_class),
            (_("Content type"), view.content_type),
            (_("Source"), view.source),
            (_("Province"), view.province),
            (_("Regency/city"), view.regency),
            (_("Election phase"), view.phase_label),
            (
                _("Posted"),
                ui.format_case_time(view.posted_at, view.time_zone, actor)
                if view.posted_at
                else None,
            ),
            (_("First seen"), ui.format_case_time(view.first_seen_at, view.time_zone, actor)),
            (_("Filed"), ui.format_case_time(view.created_at, view.time_zone, actor)),
            (_("Reach at capture"), ui.number(view.reach) if view.reach is not None else None),
            (_("Reports"), str(view.report_count)),
            (_("Assignee"), view.assignee),
        ]
        if view.reporter_name or view.reporter_contact:
            rows.append(
                (
                    _("Reporter"),
                    " · ".join(x for x in (view.reporter_name, view.reporter_contact) if x),
                )
            )
        st.dataframe(
            [{_("Field"): k, _("Value"): v or "—"} for k, v in rows],
            hide_index=True,
            width="stretch",
        )
        if view.reports:
            with calls.reading() as session:
                sources = {
                    t.code: term_label(t, ui.language())
                    for t in terms(session, "source", active_only=False)
                }
            st.markdown(f"**{_('Reports')}**")
            st.dataframe(
                [
                    {
                        _("Received"): ui.format_case_time(r.received_at, view.time_zone, actor),
                        _("Source"): sources.get(r.source, r.source),
                        _("Reporter"): " · ".join(
                            x for x in (r.reporter_name, r.reporter_contact) if x
                        )
                        or "—",
                        _("Link"): r.url or None,
                    }
                    for r in view.reports
                ],
                hide_index=True,
                width="stretch",
                column_config={_("Link"): st.column_config.LinkColumn()},
            )
        if view.urls:
            st.markdown(f"**{_('Links')}**")
            link_table(
                [
                    row_for(
                        u.url,
                        platform_names={view.platform_code: view.platform},
                        platform=u.platform_code,
                        fallback_account=view.account_handle,
                        content_key=u.canonical_key,
                        short=u.needs_review,
                    )
                    for u in view.urls
                ],
                key=f"case_links_{view.case_id}",
            )


def _decisions(view: CaseView, actor) -> None:
    _ = ui.gettext()
    if not view.decisions:
        return
    labels = _decision_labels()
    st.markdown(f"**{_('Platform decision')}**")
    for decision in view.decisions:
        with st.container(border=True):
            st.write(", ".join(labels.get(code, code) for code in decision.decisions))
            ground = _("Law") if decision.ground == "law" else _("Terms of service")
            reference = decision.legal_reference or decision.policy_reference or ""
            decided = ui.format_case_time(decision.decided_at, view.time_zone, actor)
            st.caption(f"{ground}: {ui.plain(reference)} · {decided}")
            st.caption(ui.plain(" · ".join(decision_details(decision))))
            signer = view.decision_signers.get(decision.id)
            if signer:
                st.caption(
                    ":material/verified: "
                    + _("Signed by {platform} (key {key}).").format(
                        platform=ui.plain(signer), key=decision.signed_key_id
                    )
                )
            if decision.explanation:
                st.text(decision.explanation)


def _timeline(view: CaseView, actor) -> None:
    _ = ui.gettext()
    st.markdown(f"**{_('Timeline')}**")
    timeline = st.container(key="case_timeline")
    _older_button(view)
    with timeline:
        _entries(view, actor)


def _older_button(view: CaseView) -> None:
    _ = ui.gettext()
    if view.timeline_has_older and st.button(
        _("Show older entries"), icon=":material/history:", key="case_timeline_older"
    ):
        key = f"case_timeline_limit_{view.case_id}"
        st.session_state[key] = st.session_state.get(key, 100) + 200
        st.rerun()


# Details that are someone's own words: shown whole, as text, under the event.
TEXT_DETAILS = frozenset({"reason", "note", "question", "answer", "order"})


def _entries(view: CaseView, actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        labels = detail_labels(session, ui.language())
    for entry in reversed(view.timeline):
        when = ui.format_case_time(entry.at, view.time_zone, actor)
        with st.container(border=True):
            if entry.kind == "comment":
                marker = _("Internal") if entry.visibility == "internal" else _("Shared")
                icon = ":material/lock:" if entry.visibility == "internal" else ":material/forum:"
                st.caption(
                    f"{icon} {marker} · {ui.plain(entry.who)} "
                    f"({ui.plain(entry.organisation)}) · {when}"
                )
                st.text(entry.text)
                link_line(links_in_text(entry.text))
            else:
                label = _(event_label(entry.action))
                status = (
                    f" → {_(STATUS_LABELS[Status(entry.to_status)])}" if entry.to_status else ""
                )
                st.caption(f"{when} · {ui.plain(entry.who)} ({ui.plain(entry.organisation)})")
                st.markdown(f"**{label}**{status}")
                # A question, an answer or an objection is also posted as a shared
                # comment, shown beside it: its text is not repeated here.
                for key in ("reason", "note", "order"):
                    if entry.detail and entry.detail.get(key):
                        st.text(entry.detail[key])
                details = describe(
                    entry.detail,
                    gettext=_,
                    language=ui.language(),
                    labels=labels,
                    skip=TEXT_DETAILS | {"reference"},
                    time_zone=actor.time_zone,
                )
                if details:
                    st.caption(ui.plain(details))


def _take(case_id: int, actor, action: Action, version: int, **inputs) -> None:
    """A callback: take `action` on the case in one unit of work (pages/calls.py)."""
    _ = ui.gettext()

    def work(session) -> None:
        take_action(
            session=session,
            actor=actor,
            case_id=case_id,
            version=version,
            action=action,
            **inputs,
        )

    calls.act_on_case(
        case_id, work, done=_("Done: {action}.").format(action=_(ACTION_LABELS[action]))
    )


def _take_from_form(case_id: int, actor, action: Action, version: int) -> None:
    """A form's callback: the spec's inputs are read from the form's widgets."""
    values = {
        field.name: st.session_state.get(_input_key(case_id, action, field.name), "")
        for field in spec_of(action).inputs
    }
    _take(case_id, actor, action, version, **values)


def _input_key(case_id: int, action: Action, name: str) -> str:
    return f"case_action_{action}_{name}_{case_id}"


def _actions(view: CaseView, actor, *, version: int, actions: list[Action]) -> None:
    _ = ui.gettext()
    step = view.next_step
    primary = step.primary if step else None
    refused = step.refused if step else {}
    others = [a for a in actions if a != primary]
    if not others:
        return
    st.markdown(f"**{_('Other actions')}**")
    for action in others:
        label = _(ACTION_LABELS[action])
        if action in refused:
            # Offered by the role, refused by the rule right now: say why, do not offer.
            st.button(label, key=f"case_action_{action}", disabled=True, help=_(refused[action]))
            st.caption(_(refused[action]))
            continue
        with st.expander(label):
            _action_form(view, actor, action, version)


def _action_form(view: CaseView, actor, action: Action, version: int) -> None:
    """The form of one action: bespoke for the decision and the merge, otherwise drawn
    from its spec (casework/desk/actions.py). Every submit runs in its widget's callback,
    before the page is drawn: one click, one script run."""
    _ = ui.gettext()
    label = _(ACTION_LABELS[action])
    args = (view.case_id, actor, action, version)
    spec = spec_of(action)
    if action in BESPOKE_FORMS:
        BESPOKE_FORMS[action](view, actor, version, label)
    elif spec.inputs:
        with st.form(f"case_action_{action}"):
            for field in spec.inputs:
                st.text_area(
                    ui.required(_(field.label)) if field.required else _(field.label),
                    max_chars=field.max_length,
                    key=_input_key(view.case_id, action, field.name),
                )
            st.form_submit_button(label, type="primary", on_click=_take_from_form, args=args)
    else:
        st.button(label, key=f"case_action_{action}", type="primary", on_click=_take, args=args)


def _merge_form(view: CaseView, actor, version: int, label: str) -> None:
    _ = ui.gettext()
    with st.form(f"case_action_{Action.MERGE}"):
        st.text_input(
            _("Reference of the case to keep"), max_chars=32, key=f"case_merge_{view.case_id}"
        )
        st.form_submit_button(label, on_click=_merge, args=(view.case_id, actor, version))


def _merge(case_id: int, actor, version: int) -> None:
    """The merge form's callback: the case to keep is named by its reference."""
    _ = ui.gettext()
    reference = st.session_state.get(f"case_merge_{case_id}", "")
    with calls.reading() as session:
        match = find_by_reference(session=session, actor=actor, reference=reference)
    if match is None:
        st.session_state[calls.CASE_ERRORS] = {
            "message": _("No case with that reference is available to you."),
            "fields": [],
        }
        return
    _take(case_id, actor, Action.MERGE, version, into_case_id=match.id)


def _comment_form(view: CaseView, actor) -> None:
    _ = ui.gettext()
    st.markdown(f"**{_('Add a comment')}**")
    with st.form("case_comment_form", clear_on_submit=False):
        st.text_area(_("Comment"), max_chars=COMMENT_LIMIT, key="case_comment_body")
        st.caption(_("Write @ and a user name to notify a colleague who can see this case."))
        st.radio(
            _("Visible to"),
            ["shared", "internal"],
            horizontal=True,
            format_func=lambda v: _("Both parties") if v == "shared" else _("My organisation only"),
            key="case_comment_visibility",
        )
        st.form_submit_button(_("Post comment"), on_click=_post_comment, args=(view.case_id, actor))
    refused = st.session_state.pop("case_comment_refused", None)
    if refused:
        st.error(ui.plain(refused), icon=":material/error:")


def _post_comment(case_id: int, actor) -> None:
    """The comment form's callback: one unit of work, then the page draws the result."""
    _ = ui.gettext()
    try:
        with calls.in_unit() as session:
            add_comment(
                session=session,
                actor=actor,
                case_id=case_id,
                body=st.session_state.get("case_comment_body", ""),
                visibility=st.session_state.get("case_comment_visibility", "shared"),
            )
    except DomainError as error:
        st.session_state["case_comment_refused"] = error.translated(_)
        return
    st.session_state["case_comment_body"] = ""
    ui.flash(_("Comment posted."))


# The actions whose inputs are not free text draw a form of their own; every other
# action's form is drawn from its spec (casework/desk/actions.py).
BESPOKE_FORMS = {
    Action.MERGE: _merge_form,
    Action.RECORD_DECISION: partial(decision_form, take=_take),
}
