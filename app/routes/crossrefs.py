"""Routes for crossrefs (filled in by its feature)."""

from fastapi import APIRouter

router = APIRouter()
