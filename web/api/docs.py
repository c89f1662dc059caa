"""`/api/v1/docs`: the API reference as one HTML page, drawn from the OpenAPI schema on
the server. Swagger UI and ReDoc load their scripts from a CDN, which deployments
without internet cannot reach; this page needs nothing but itself."""

from __future__ import annotations

from web.html import document, esc, html_response

INTRODUCTION = """
<div class="card">
<p>Every request carries an API token made by an administrator under
<em>Administration → Integrations</em>: <code>Authorization: Bearer pantau_…</code>.
A token belongs to one organisation and acts with its scope: a platform's token sees the
cases referred to its platforms, a supervisory office's token the cases of its region.
Its scopes (<code>cases:read</code>, <code>cases:act</code>, <code>aggregates:read</code>)
limit what it may call.</p>
<ul>
<li><strong>Paging.</strong> <code>GET /cases</code> returns the oldest change first; follow
<code>next_cursor</code> until it is null. Ask later with <code>updated_since</code>.</li>
<li><strong>Versions.</strong> Every action sends the <code>version</code> last read; a case
changed since is refused with 409 <code>stale_version</code>.</li>
<li><strong>Errors.</strong> JSON with <code>error</code>, <code>message</code> (in the
language of <code>Accept-Language</code>: <code>id</code> or <code>en</code>) and, for 422,
<code>detail</code> naming each field.</li>
<li><strong>Rate limit.</strong> Per token; over it, 429 with <code>Retry-After</code>
in seconds.</li>
<li><strong>Webhooks.</strong> Each delivery is a POST of JSON with
<code>Pantau-Event</code>, <code>Pantau-Delivery</code> and
<code>Pantau-Signature: t=&lt;unix time&gt;,v1=&lt;hex&gt;</code>, where
<code>v1</code> is HMAC-SHA256 with the endpoint's secret over
<code>&lt;t&gt;.&lt;raw body&gt;</code>. Reject a timestamp older than five minutes.</li>
</ul>
<p>The machine-readable schema: <a href="openapi.json">openapi.json</a>.</p>
</div>
"""


def _parameters(operation: dict) -> str:
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        kind = schema.get("type") or ", ".join(
            str(option.get("type", "")) for option in schema.get("anyOf", [])
        )
        rows.append(
            f"<li><code>{esc(parameter['name'])}</code> ({esc(parameter['in'])}, {esc(kind)})"
            f"{' — required' if parameter.get('required') else ''}"
            f" {esc(parameter.get('description', ''))}</li>"
        )
    return f"<ul>{''.join(rows)}</ul>" if rows else ""


def _body(operation: dict) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    parts = []
    for media_type, spec in content.items():
        ref = spec.get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1] if ref else spec.get("schema", {}).get("format", "")
        parts.append(f"<p>Body: <code>{esc(media_type)}</code> {esc(name)}</p>")
    return "".join(parts)


def render_reference(schema: dict) -> str:
    """The reference page's markup; every value from the schema is escaped."""
    sections = [INTRODUCTION]
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ", ".join(sorted(operation.get("responses", {})))
            sections.append(
                f"<h2><code>{esc(method.upper())} /api/v1{esc(path)}</code></h2>"
                f"<p><strong>{esc(operation.get('summary', ''))}</strong>. "
                f"{esc(operation.get('description', ''))}</p>"
                f"{_parameters(operation)}{_body(operation)}"
                f'<p class="note">Answers: {esc(codes)}</p>'
            )
    return document(lang="en", title="Pantau API v1", body="".join(sections))


def reference_response(schema: dict):
    return html_response(render_reference(schema))
