"""Source rules from the security audit (issue 15) that keep its fixes from being
bypassed by the next page or export."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    path
    for folder in ("casework", "pages", "web", "db")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
)
# Downloads that carry no case data of the reader's scope: import templates, a chart's
# aggregate figures, and the evidence bundle (built and audited when its button is
# pressed, in the run that resolved the actor).
NOT_CASE_DATA = {
    ("import_reports.py", "Download the CSV template"),
    ("import_reports.py", "Download the Excel template"),
    ("dashboard_sections.py", "Chart data (CSV)"),
    ("bundle_panel.py", "Download the evidence bundle (ZIP)"),
}


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_csv_is_written_except_through_the_one_safe_writer(path):
    if path.name == "spreadsheet.py":
        return
    writers = {"writer", "DictWriter", "to_csv", "write_csv"}
    found = [_name(call) for call in _calls(path) if _name(call) in writers]
    assert found == [], f"{path.name} writes CSV itself: use casework.spreadsheet.csv_bytes"


def test_every_download_of_case_data_re_resolves_the_actor_when_clicked():
    unsafe = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for call in _calls(path):
            if _name(call) != "download_button":
                continue
            label = call.args[0]
            text = label.args[0].value if isinstance(label, ast.Call) and label.args else None
            data = call.args[1] if len(call.args) > 1 else None
            data = data or next((k.value for k in call.keywords if k.arg == "data"), None)
            deferred = isinstance(data, ast.Call) and _name(data) == "deferred_export"
            if not deferred and (path.name, text) not in NOT_CASE_DATA:
                unsafe.append((path.name, text))
    assert unsafe == []


def test_the_server_adds_the_framing_headers_to_every_answer_it_does_not_set_itself():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from web.headers import SecurityHeaders
    from web.html import SECURITY_HEADERS

    def plain(_request):
        return PlainTextResponse("ok")

    def strict(_request):
        return PlainTextResponse("ok", headers=SECURITY_HEADERS)

    app = Starlette(
        routes=[Route("/", plain), Route("/signin", strict)],
        middleware=[Middleware(SecurityHeaders)],
    )
    with TestClient(app) as client:
        page, sign_in = client.get("/"), client.get("/signin")

    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert sign_in.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in sign_in.headers["content-security-policy"]


def test_the_app_installs_the_security_headers_outermost():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "middleware=[Middleware(SecurityHeaders)]" in source
