"""The identity providers configured in `.streamlit/secrets.toml` (`[auth.<name>]`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Keys of the [auth] section that are settings, not providers.
_AUTH_SETTINGS = {
    "redirect_uri",
    "cookie_secret",
    "client_id",
    "client_secret",
    "server_metadata_url",
    "client_kwargs",
    "expose_tokens",
}


@dataclass(frozen=True)
class Provider:
    name: str
    label: str


def configured_providers(secrets: Mapping[str, Any]) -> list[Provider]:
    """Each named provider, labelled by its name (`[auth.bawaslu-sso]` → "Bawaslu Sso").
    Extra keys in a provider's section go to Authlib, so the label is not one of them."""
    try:
        auth = secrets.get("auth") or {}
    except Exception:  # no secrets file at all
        return []
    providers = []
    for name, value in auth.items():
        if name in _AUTH_SETTINGS or not isinstance(value, Mapping):
            continue
        providers.append(Provider(name=name, label=name.replace("-", " ").title()))
    return sorted(providers, key=lambda p: p.name)
