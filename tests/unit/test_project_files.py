"""The project's own promises, kept honest: commands, settings, layering."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casework.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_ci_runs_exactly_the_test_command_of_the_readme():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r'^TEST_COMMAND="(.*)"$', ci, flags=re.M).group(1)
    assert command in [
        line.strip() for block in _bash_blocks(README) for line in block.splitlines()
    ]


def test_the_readme_run_command_installs_and_starts_the_app():
    lines = [line.strip() for block in _bash_blocks(README) for line in block.splitlines()]
    assert any("pip install -e ." in line and "streamlit run app.py" in line for line in lines)


def test_ci_starts_the_app_from_a_fresh_install_without_test_extras_before_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    stage = (ROOT / ".ci" / "fresh_install").read_text(encoding="utf-8")
    assert ci.index("bash .ci/fresh_install") < ci.index('bash -c "$TEST_COMMAND"')
    assert 'pip" install -q -e . ' in stage and "[test]" not in stage
    assert "/healthz" in stage and "/signin" in stage


def test_every_module_the_code_imports_is_a_declared_dependency():
    """deptry reads pyproject.toml and every import: a module the app imports but only a
    transitive or test dependency provides (DEP003/DEP004) fails the run."""
    deptry = shutil.which("deptry", path=str(Path(sys.executable).parent))
    assert deptry, "deptry belongs to the test extra"
    result = subprocess.run(  # noqa: S603 - a fixed command on the project's own tree
        [deptry, "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(field):
    info = Settings.model_fields[field]
    variable = (
        info.validation_alias
        if isinstance(info.validation_alias, str)
        else f"PANTAU_{field.upper()}"
    )
    assert f"`{variable}`" in README


def test_secrets_and_local_data_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".streamlit/secrets.toml" in ignored
    assert "/data/" in ignored and ".env" in ignored


def _imports(path: Path) -> set[str]:
    """The modules a file imports, absolute; `from a import b` gives both `a` and `a.b`
    (b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "db").rglob("*.py")), ids=lambda p: p.name)
def test_the_data_layer_never_imports_the_layers_above_it(path):
    assert not any(name.split(".")[0] in ("casework", "pages", "web") for name in _imports(path))


@pytest.mark.parametrize("environment", ["prod", "Production", "staging", ""])
def test_an_unknown_environment_is_refused_rather_than_treated_as_development(environment):
    with pytest.raises(ValueError, match="environment"):
        Settings(_env_file=None, environment=environment)


def test_the_secret_key_is_described_as_what_it_signs():
    description = Settings.model_fields["secret_key"].description
    assert "CSRF" in description and "cookie" not in description


@pytest.mark.parametrize("path", sorted((ROOT / "casework").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_never_imports_streamlit(path):
    assert not any(name.split(".")[0] == "streamlit" for name in _imports(path))


@pytest.mark.parametrize("path", sorted((ROOT / "casework").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_never_imports_the_web_framework(path):
    # The API in web/api calls the services; the services never know about HTTP.
    assert not any(name.split(".")[0] in ("fastapi", "starlette") for name in _imports(path))


# pages/calls.py opens sessions and units of work; ui.py resolves the actor.
SEAM = ("calls.py", "ui.py")


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "pages").glob("*.py") if p.name not in SEAM),
    ids=lambda p: p.name,
)
def test_pages_open_no_session_but_through_the_seam(path):
    assert not any(name == "db.engine" for name in _imports(path))


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_hold_no_sql(path):
    forbidden = {"sqlalchemy", "sqlmodel", "db.models"}
    assert not any(
        name == f or name.startswith(f + ".") for name in _imports(path) for f in forbidden
    )


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_page_modules_run_nothing_at_import(path):
    if path.name == "router.py":
        return  # the main script: running is its job
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            pytest.fail(f"{path.name}:{node.lineno} calls something at import")


def test_the_favicon_ships_with_the_app_and_nothing_is_fetched_for_it():
    """A material-icon favicon is fetched from an online font service, which fails
    offline (issue 13): the router names a file of the project, packaged with it."""
    from pages import router

    assert router.FAVICON.is_file() and router.FAVICON.read_bytes()[:4] == b"\x89PNG"
    source = (ROOT / "pages" / "router.py").read_text()
    assert 'page_icon=":material' not in source and "page_icon=FAVICON" in source
    assert '"assets/*.png"' in (ROOT / "pyproject.toml").read_text()
