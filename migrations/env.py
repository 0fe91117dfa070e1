"""Alembic environment: the URL comes from the app's Settings, never from alembic.ini."""

from alembic import context

from app.config import Settings
from app.store.db import make_engine
from app.store.models import Base

config = context.config
settings = config.attributes.get("settings") or Settings()


def run_migrations_offline() -> None:
    """Emit SQL for the settings' URL without connecting."""
    context.configure(url=settings.url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over a live connection."""
    engine = make_engine(settings)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
