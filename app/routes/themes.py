"""Routes for themes (filled in by its feature)."""

from fastapi import APIRouter

router = APIRouter()
