"""Every action of the statutory track (and the Komdigi channel) and its named service,
a one-liner over `casework.desk.actions.take_action`: the registry the permission matrix and
the tests read."""

from __future__ import annotations

from casework.desk.workflow import Action
from casework.statutory.forwarding import (
    conclude_handling,
    forward_case,
    forward_up,
    komdigi_criteria_not_met,
    komdigi_request_information,
    record_gakkumdu_outcome,
    request_komdigi,
)
from casework.statutory.kajian import (
    approve_kajian,
    decline_registration,
    draft_kajian,
    register_laporan,
    return_kajian,
)

STATUTORY_SERVICES = {
    Action.REQUEST_KOMDIGI: request_komdigi,
    Action.KOMDIGI_CRITERIA_NOT_MET: komdigi_criteria_not_met,
    Action.KOMDIGI_REQUEST_INFORMATION: komdigi_request_information,
    Action.REGISTER_LAPORAN: register_laporan,
    Action.DECLINE_REGISTRATION: decline_registration,
    Action.DRAFT_KAJIAN: draft_kajian,
    Action.APPROVE_KAJIAN: approve_kajian,
    Action.RETURN_KAJIAN: return_kajian,
    Action.FORWARD_CASE: forward_case,
    Action.RECORD_GAKKUMDU_OUTCOME: record_gakkumdu_outcome,
    Action.FORWARD_UP: forward_up,
    Action.CONCLUDE_HANDLING: conclude_handling,
}
