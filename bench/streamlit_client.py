"""A headless client that speaks Streamlit's WebSocket protocol, as the browser does.

It opens `/_stcore/stream` with the session cookie of a password sign-in, asks for
script runs (`BackMsg.rerun_script` with the page, query string and widget states) and
reads the `ForwardMsg`s back: the elements drawn, and the end of the run. It knows
widgets by label, so a test or the load harness can "click" a button or submit a form
the way a person would, at a fraction of a browser's cost (no rendering, no JavaScript).

What it does not do: file uploads, component iframes, and Arrow-backed widgets
(st.dataframe selections). The load mix only needs buttons, text and select boxes."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.util import calc_hash
from websockets.sync.client import connect

SESSION_COOKIE = "pantau_session"
LANGUAGE_COOKIE = "pantau_language"
_FINISHED = ForwardMsg.ScriptFinishedStatus
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class RunFailed(Exception):
    """The script run raised (an exception element arrived) or never finished."""


def sign_in(base: str, username: str, password: str, *, language: str | None = "en") -> str:
    """The session cookie of a password sign-in at `/signin`. With `language`, the
    visitor picks it on the sign-in page first, which saves it for the account: a
    signed-in session opens in the account's language, whatever its cookie says."""
    with httpx.Client(base_url=base, timeout=60) as client:
        query = f"?set_language={language}" if language else ""
        token = _CSRF.search(client.get(f"/signin{query}").text).group(1)
        fields = {"csrf_token": token, "username": username, "password": password}
        if language:
            fields |= {"lang": language, "chose_language": "1"}
        response = client.post("/signin", data=fields)
        if response.status_code != 303:
            raise RunFailed(f"sign-in as {username} answered {response.status_code}")
        return client.cookies[SESSION_COOKIE]


@dataclass
class Widget:
    kind: str  # button, text_area, text_input, selectbox, …
    id: str
    label: str
    form_id: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Run:
    """What one interaction drew: texts (markdown, alerts, titles, metrics), widgets,
    and its wall time."""

    texts: list[str]
    widgets: list[Widget]
    metrics: dict[str, str]
    seconds: float
    exception: str | None = None

    def widget(self, label: str, kind: str | None = None) -> Widget | None:
        for widget in self.widgets:
            # A required field's label carries its mark (pages.ui.required).
            named = widget.label.removesuffix(" :red[*]")
            if named == label and (kind is None or widget.kind == kind):
                return widget
        return None

    def shows(self, text: str) -> bool:
        return any(text in item for item in self.texts)


class StreamlitSession:
    """One browser tab's worth of Streamlit session, over one WebSocket."""

    def __init__(
        self, base: str, cookie: str | None = None, *, language: str = "", timeout: float = 60
    ):
        parts = urlsplit(base)
        self.base, self.timeout = base, timeout
        headers = {"Origin": base}
        cookies = [f"{SESSION_COOKIE}={cookie}"] if cookie else []
        if language:
            cookies.append(f"{LANGUAGE_COOKIE}={language}")
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        self._connection = connect(
            f"ws://{parts.netloc}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=64 * 1024 * 1024,
            open_timeout=timeout,
        )
        self._socket = self._connection.__enter__()
        self.page = ""
        self.query = ""

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def __enter__(self) -> StreamlitSession:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def open(self, page: str = "", query: str = "") -> Run:
        """Load `page` (its url_path; "" for the default page) as a deep link would."""
        self.page, self.query = page, query
        return self._rerun([])

    def click(self, widget: Widget, values: dict[str, str] | None = None) -> Run:
        """Click a button (or a form's submit button), sending `values` (widget id →
        text or chosen option) along, as the browser sends a form's fields."""
        states = [WidgetState(id=widget.id, trigger_value=True)]
        for widget_id, value in (values or {}).items():
            states.append(WidgetState(id=widget_id, string_value=value))
        return self._rerun(states)

    def rerun_with(self, values: dict[str, str]) -> Run:
        """Change widgets (id → text or chosen option) without a click, as typing into
        a text box and pressing Enter does."""
        return self._rerun([WidgetState(id=k, string_value=v) for k, v in values.items()])

    def _rerun(self, states: list[WidgetState]) -> Run:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = calc_hash(self.page) if self.page else ""
        rerun.page_name = self.page
        rerun.widget_states.widgets.extend(states)
        started = time.perf_counter()
        self._socket.send(message.SerializeToString())
        return self._read_until_finished(started)

    def _read_until_finished(self, started: float) -> Run:
        texts: list[str] = []
        widgets: list[Widget] = []
        metrics: dict[str, str] = {}
        exception = None
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RunFailed("the script run did not finish in time")
            forward = ForwardMsg()
            forward.ParseFromString(self._socket.recv(timeout=remaining))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                texts, widgets, metrics = [], [], {}  # a rerun starts drawing anew
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                exception = _collect(element, texts, widgets, metrics) or exception
            elif kind == "script_finished":
                status = forward.script_finished
                if status == _FINISHED.FINISHED_EARLY_FOR_RERUN:
                    texts, widgets, metrics, exception = [], [], {}, None
                    continue
                if status in (
                    _FINISHED.FINISHED_SUCCESSFULLY,
                    _FINISHED.FINISHED_WITH_COMPILE_ERROR,
                ):
                    return Run(texts, widgets, metrics, time.perf_counter() - started, exception)


_TEXT_FIELDS = {"markdown": "body", "alert": "body", "heading": "body", "text": "body"}


def _collect(element, texts: list[str], widgets: list[Widget], metrics: dict[str, str]):
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    body = getattr(element, kind)
    if kind == "exception":
        return f"{body.type}: {body.message}"
    if kind in _TEXT_FIELDS:
        texts.append(getattr(body, _TEXT_FIELDS[kind]))
    elif kind == "metric":
        metrics[body.label] = body.body
        texts.append(f"{body.label}: {body.body}")
    elif hasattr(body, "id") and hasattr(body, "label") and body.id:
        options = list(body.options) if hasattr(body, "options") else []
        form_id = getattr(body, "form_id", "")
        widgets.append(Widget(kind, body.id, body.label, form_id, options))
    return None
