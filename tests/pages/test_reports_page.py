"""The transparency report page: versions by role, the tables, the files, DSA export."""

from __future__ import annotations

import json

from tests.pages.conftest import app_as, open_page


def _reports(username: str):
    return open_page(app_as(username).run(), "reports")


def test_a_lead_sees_the_internal_report_with_its_tables(demo_database):
    at = _reports("demo.lead")
    assert not at.exception, at.exception
    assert at.radio(key="report_version").options == ["Internal (all figures)", "Public"]
    assert "Joint transparency report" in [s.value for s in at.subheader]
    headline = at.dataframe[0].value.to_dict("records")
    assert headline[0]["Figure"] == "Cases filed"
    assert int(headline[0]["Value"].replace(",", "")) > 0
    labels = [d.label for d in at.get("download_button")]
    assert {"Report (HTML)", "Report (PDF)", "Tables (CSV, zipped)"} <= set(labels)


def test_an_observer_gets_the_public_version_only(demo_database):
    at = _reports("demo.observer")
    assert not at.exception, at.exception
    assert at.radio(key="report_version").options == ["Public"]
    assert any("not shown in the public version" in c.value for c in at.caption)
    labels = [d.label for d in at.get("download_button")]
    assert "EU submission (ZIP)" not in labels
    assert "Indonesian record (JSON)" not in labels
    # the report anchors the audit chain: its signed checkpoint, as plain text
    shown = " ".join(t.value for t in at.text)
    assert "Signed statement: {" in shown and '"kind":"pantau-audit-checkpoint"' in shown


def test_a_liaison_gets_their_platforms_own_report_and_the_decision_export(demo_database):
    at = _reports("demo.liaison.tiktok")
    assert not at.exception, at.exception
    assert [r.options for r in at.radio if r.label == "Version"] == [
        ["Your platform (all figures)"]
    ]
    assert "Transparency report of your platform" in [h.value for h in at.subheader]
    platforms = next(frame.value for frame in at.dataframe if "Platform" in frame.value.columns)
    assert list(platforms["Platform"]) == ["TikTok"]
    assert [d.label for d in at.get("download_button")][-2:] == [
        "EU submission (ZIP)",
        "Indonesian record (JSON)",
    ]
    # A liaison chooses among their own platforms only.
    assert at.selectbox(key="report_dsa_platform").options == ["TikTok"]


def test_choosing_an_election_phase_narrows_the_report(demo_database):
    at = _reports("demo.lead")
    everything = at.dataframe[0].value.to_dict("records")[0]["Value"]
    at.selectbox(key="report_election").set_value("pemilu2024").run()
    at.selectbox(key="report_phase").set_value("quiet_period").run()
    assert not at.exception, at.exception
    narrowed = at.dataframe[0].value.to_dict("records")[0]["Value"]
    assert int(narrowed.replace(",", "")) < int(everything.replace(",", ""))
    assert json.dumps(at.caption[0].value)  # the period line is shown
