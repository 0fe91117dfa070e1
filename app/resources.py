"""The files the app reads at run time: templates, static files, migrations, the default themes
and the seed documents.

A checkout (or an editable install of one) reads the top-level folders templates/, static/,
migrations/ and seeds/. A wheel carries copies of them inside the package, as app/templates,
app/static, app/migrations and app/seeds/themes.toml (pyproject.toml maps the folders in), because
an installed package has no checkout next to it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _from_checkout() -> bool:
    """True when the package sits in a source checkout rather than in site-packages."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def resource_path(name: str) -> Path:
    """The folder or file `name` (e.g. "templates", "seeds/themes.toml") the app should read.

    The checkout's top-level copy when there is one, else the installed package's copy. Jinja2,
    Starlette's StaticFiles and Alembic all need a real folder, so the package must be installed
    as files (a wheel always is), not imported from a zip.
    """
    checkout = PROJECT_ROOT / name
    if _from_checkout() and checkout.exists():
        return checkout
    return Path(str(files("app").joinpath(name)))


TEMPLATES_DIR = resource_path("templates")
STATIC_DIR = resource_path("static")
MIGRATIONS_DIR = resource_path("migrations")
THEMES_FILE = resource_path("seeds/themes.toml")
# What `ingest` and `check` read when given no paths, wherever they are run from.
SEEDS_DIR = THEMES_FILE.parent


def has_seed_documents() -> bool:
    """Whether SEEDS_DIR holds documents: a wheel's copy carries only the default themes."""
    return SEEDS_DIR.is_dir() and any(p.name != "themes.toml" and not p.name.startswith("__")
                                      for p in SEEDS_DIR.iterdir())
