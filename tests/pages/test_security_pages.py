"""Attacks of the security audit (issue 15) replayed through the real router (AppTest),
on a database of this module's own: they change accounts other page tests rely on."""

from __future__ import annotations

import time

from sqlmodel import Session, select

from casework.people.auth import end_provider_sign_ins
from db import engine as engine_module
from db.models import User
from tests.pages.conftest import app_as, identity


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


def test_a_copied_provider_cookie_replayed_after_sign_out_does_not_sign_in(demo_database):
    cookie = identity("demo.admin", iat=int(time.time()) - 60)  # what st.user carries
    assert _titles(app_as(None, user=dict(cookie)).run()) == ["Users"]  # an admin's landing
    # The sidebar's "Sign out" for a provider sign-in (AppTest cannot carry the cookie
    # that decides which sign-out it shows, so the service it calls is called here).
    with Session(engine_module.get_engine()) as session:
        user = session.exec(select(User).where(User.username == "demo.admin")).one()
        end_provider_sign_ins(session=session, user_id=user.id)

    replayed = app_as(None, user=dict(cookie)).run()

    assert not replayed.exception
    assert _titles(replayed) == ["Pantau"]  # the sign-in page
    assert "Sari Admin" not in " ".join(c.value for c in replayed.sidebar.caption)


def test_case_references_in_an_uploaded_manifest_are_shown_as_text_not_markdown(demo_database):
    import hashlib
    import io
    import json
    import zipfile

    from tests.pages.conftest import open_page

    readme = b"bundle"
    hostile = "![x](https://evil.example/pixel.png) [klik](https://evil.example)"
    manifest = {
        "cases": [hostile],
        "files": [{"name": "README.txt", "size": 6, "sha256": hashlib.sha256(readme).hexdigest()}],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("manifest.json", json.dumps(manifest))
    at = open_page(app_as("demo.lead").run(), "audit")

    at.file_uploader(key="bundle_verify_upload").set_value(
        ("bundle.zip", out.getvalue(), "application/zip")
    ).run()

    assert not at.exception
    assert any(hostile in t.value for t in at.text)
    rendered = [m.value for m in [*at.markdown, *at.caption]]
    assert not any("](https://evil.example" in value for value in rendered)
