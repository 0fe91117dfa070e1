"""The wheel carries what the app reads at run time; a checkout reads its own top-level folders.

scripts/wheel_check.sh goes further: it installs the wheel in a clean venv and serves from it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from app import resources
from app.config import Settings
from app.store import db
from tests.helpers import ROOT

# What pyproject.toml maps into the package; the wheel is built from a copy of just these, so
# no build/ or *.egg-info folder of the checkout can leak into it.
BUILD_INPUTS = ["pyproject.toml", "README.md", "app", "templates", "static", "migrations", "seeds"]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_every_package_under_app_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "app").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    mapped = tuple(config["package-dir"])
    strays = {name for name in listed - on_disk if not name.startswith(mapped)}
    assert strays == set(), "listed packages that are neither under app/ nor mapped in"


def test_a_checkout_reads_its_top_level_folders():
    settings = Settings()
    assert settings.templates_dir == ROOT / "templates"
    assert settings.static_dir == ROOT / "static"
    assert settings.themes_file == ROOT / "seeds" / "themes.toml"
    assert db.MIGRATIONS == ROOT / "migrations"


def test_without_a_checkout_the_package_copies_are_read(monkeypatch):
    monkeypatch.setattr(resources, "_from_checkout", lambda: False)
    package = Path(resources.__file__).resolve().parent
    assert resources.resource_path("templates") == package / "templates"
    assert resources.resource_path("seeds/themes.toml") == package / "seeds" / "themes.toml"


@pytest.mark.slow
def test_the_wheel_carries_templates_static_files_migrations_and_the_themes(tmp_path):
    src = tmp_path / "src"
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    out = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(src)],
                   check=True, capture_output=True, text=True)
    [wheel] = out.glob("policy_archive-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    def packaged(folder: str, package: str) -> set[str]:
        return {f"app/{package}/{p.relative_to(ROOT / folder).as_posix()}" for p in _files(ROOT / folder)}

    assert packaged("templates", "templates") <= names
    assert packaged("static", "static") <= names
    assert packaged("migrations", "migrations") <= names  # env.py, script.py.mako, versions/*.py
    assert "app/seeds/themes.toml" in names
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    assert "Requires-Dist: fastapi-offline==" in zipfile.ZipFile(wheel).read(metadata).decode()  # /docs
    assert {n for n in names if n.startswith("app/seeds/")} == {"app/seeds/themes.toml"}, \
        "only the default themes belong in the wheel, not the seed documents"
    assert "app/resources.py" in names and "app/web/routes/__init__.py" in names


def test_the_api_docs_assets_come_with_a_pinned_dependency():
    """/docs serves Swagger UI from the fastapi-offline distribution: a pinned dependency, so every
    install of the wheel (and the Docker image, which installs it) carries the files."""
    from importlib.metadata import distribution

    from app.web.routes import docs

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    dist = distribution("fastapi-offline")
    assert f"fastapi-offline=={dist.version}" in pins
    shipped = {f.as_posix() for f in dist.files}
    for name in docs.ASSETS:
        assert f"fastapi_offline/static/{name}" in shipped
        assert (docs.ASSETS_DIR / name).is_file()
    # The page and its start-up script are the app's own files, in the folders the wheel carries.
    assert (ROOT / "templates" / "docs.html").is_file() and (ROOT / "static" / "docs.js").is_file()
