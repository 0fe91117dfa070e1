"""Routes for export (filled in by its feature)."""

from fastapi import APIRouter

router = APIRouter()
