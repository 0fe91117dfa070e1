"""Fixtures of the index tests: switching the Whoosh shortcuts within one test."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def whoosh_switch():
    """switch(on) turns the Whoosh shortcuts on or off for the rest of the test and says whether
    they are on (on=True is refused by a whoosh3 other than the one they were written for).
    The environment and the decision are restored after the test."""
    from app.index import whoosh_fast

    before = os.environ.get(whoosh_fast.ENV)

    def switch(on: bool) -> bool:
        os.environ[whoosh_fast.ENV] = "1" if on else "0"
        whoosh_fast.reset()
        return whoosh_fast.enabled()

    yield switch
    if before is None:
        os.environ.pop(whoosh_fast.ENV, None)
    else:
        os.environ[whoosh_fast.ENV] = before
    whoosh_fast.reset()
