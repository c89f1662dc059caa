"""The sign-in providers read from secrets.toml, and the example file deployers copy."""

from __future__ import annotations

import tomllib
from pathlib import Path

from casework.people.providers import Provider, configured_providers

EXAMPLE = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.example.toml"


def test_each_auth_block_with_settings_is_a_provider_and_shared_settings_are_not():
    secrets = {
        "auth": {
            "redirect_uri": "https://pantau.example.go.id/oauth2callback",
            "cookie_secret": "x",
            "google": {"client_id": "a"},
            "bawaslu-sso": {"client_id": "b"},
        }
    }

    assert configured_providers(secrets) == [
        Provider("bawaslu-sso", "Bawaslu Sso"),
        Provider("google", "Google"),
    ]


def test_without_an_auth_section_there_is_no_provider():
    assert configured_providers({}) == []


def test_the_example_secrets_file_configures_one_complete_provider():
    secrets = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))

    providers = configured_providers(secrets)

    assert [p.name for p in providers] == ["bawaslu-sso"]
    assert secrets["auth"]["redirect_uri"].endswith("/oauth2callback")
    block = secrets["auth"]["bawaslu-sso"]
    assert {"client_id", "client_secret", "server_metadata_url"} <= set(block)
    assert all("_" not in p.name for p in providers)  # Streamlit refuses "_" in names
