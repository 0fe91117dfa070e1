"""The HTTP protocol `policy-archive serve` runs uvicorn with (app/cli.py run_uvicorn).

uvicorn's h11 protocol, bounded in the size of a request head (h11_max_incomplete_event_size),
unlike httptools, which answers a 30 MB header. uvicorn answers a head it refuses itself, outside
the app and its SecurityHeaders middleware, so this protocol adds the security headers to that 400.
The app refuses more than hygiene.MAX_HEADERS headers itself.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.web.deps import SECURITY_HEADERS


class SecureH11Protocol(H11Protocol):
    """uvicorn's h11 protocol whose own 400 carries the security headers like every app response."""

    def send_400_response(self, msg: str) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"), *SECURITY_HEADERS]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=msg.encode("ascii")), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()
