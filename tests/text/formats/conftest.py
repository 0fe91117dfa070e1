"""Test files made here, at set-up, the way real sources look: nothing is downloaded.

The generators live in samples_*.py so ingest tests can make the same files."""

from __future__ import annotations

import pytest

from tests.text.formats import samples_html


@pytest.fixture
def news_page(tmp_path):
    path = tmp_path / "xinhua-ai-study-session.html"
    path.write_text(samples_html.news_agency_page(), encoding="utf-8")
    return path


@pytest.fixture
def government_page(tmp_path):
    path = tmp_path / "ai-assurance.htm"
    path.write_text(samples_html.government_page(), encoding="utf-8")
    return path


@pytest.fixture
def wire_page(tmp_path):
    path = tmp_path / "wire.html"
    path.write_text(samples_html.wire_page(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def report_pdf():
    from tests.text.formats import samples_pdf

    return samples_pdf.two_column_report(12)
