"""What only a real `policy-archive serve` shows: request heads of any size or header count are
refused, never answered 200, the server's own error answers carry the security headers, and
absolute links name POLICY_ARCHIVE_BASE_URL or the address it listens on, never the Host header.
"""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.helpers import OFFICIAL
from tests.web.live import serve

pytestmark = [pytest.mark.pg, pytest.mark.slow]

EVIL = "evil.example"
SECURITY = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


@pytest.fixture(scope="module")
def server(seed_settings):
    with serve(seed_settings) as served:
        yield served


def raw_request(port: int, head: bytes) -> tuple[int | None, dict[str, str]]:
    """Send `head` (sending stops if the server closes), then read the answer: (status, headers),
    or (None, {}) when the server closed the connection without one."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            view = memoryview(head)
            for i in range(0, len(view), 1 << 16):
                sock.sendall(view[i:i + (1 << 16)])
        except OSError:  # refused part way: closed, or reset after its answer
            pass
        try:
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    if not data.startswith(b"HTTP/1."):
        return None, {}
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers


def _get(headers: bytes = b"") -> bytes:
    return b"GET /api/themes HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"Connection: close\r\n\r\n"


def test_a_plain_request_is_answered(server):
    status, headers = raw_request(server.port, _get())
    assert status == 200 and all(h in headers for h in SECURITY)


def test_a_30_megabyte_header_is_refused(server):
    status, headers = raw_request(server.port, _get(b"X-Big: " + b"a" * (30 * 1024 * 1024) + b"\r\n"))
    assert status in (400, 431, None), status
    if status is not None:
        assert all(h in headers for h in SECURITY), headers  # uvicorn's own 400 carries them too


@pytest.mark.parametrize("name", [b"X-H", b"X-A-Rather-Long-Header-Name-For-Padding"])
def test_five_thousand_headers_are_refused(server, name):
    status, headers = raw_request(server.port, _get(b"".join(b"%s%d: v\r\n" % (name, i) for i in range(5000))))
    assert status in (400, 431, None), status
    if status is not None:
        assert all(h in headers for h in SECURITY), headers


def test_a_malformed_request_gets_the_security_headers(server):
    status, headers = raw_request(server.port, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400 and all(h in headers for h in SECURITY), (status, headers)


def test_without_a_base_url_links_name_the_listening_address_with_a_warning(seed_settings, official):
    passage = official["passages"][0]["id"]
    with serve(seed_settings) as served:
        page = httpx.get(f"{served.url}/s/{passage}", headers={"host": EVIL}).text
        themes = httpx.get(f"{served.url}/themes/", headers={"host": EVIL})
    assert f'<link rel="canonical" href="{served.url}/s/{passage}">' in page and EVIL not in page
    assert themes.status_code in (301, 307, 308) and themes.headers["location"] == "/themes"
    assert "POLICY_ARCHIVE_BASE_URL is not set" in served.output[0] and served.url in served.output[0]


def test_with_a_base_url_links_name_it_and_no_warning(seed_settings):
    base = "https://policy.example.org"
    with serve(seed_settings, base_url=base) as served:
        page = httpx.get(f"{served.url}/documents/{OFFICIAL}", headers={"host": EVIL}).text
        feed = httpx.get(f"{served.url}/feeds/documents.atom", headers={"host": EVIL}).text
    assert f'<link rel="canonical" href="{base}/documents/{OFFICIAL}">' in page
    assert f'href="{base}/documents/{OFFICIAL}"' in feed and EVIL not in feed and "127.0.0.1" not in feed
    assert "POLICY_ARCHIVE_BASE_URL" not in served.output[0]
