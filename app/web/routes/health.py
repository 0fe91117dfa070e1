"""Liveness and readiness for probes."""

from fastapi import APIRouter

from app.store.reads import current_version
from app.web import serialize
from app.web.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Health check")
def healthz(session: SessionDep) -> dict:
    """Answers when the app can read its store; reports the archive version it serves."""
    return serialize.health(current_version(session))
