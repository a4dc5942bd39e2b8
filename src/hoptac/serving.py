"""The HTTP protocol `hoptac serve` runs: uvicorn's h11 protocol with a deadline for the first request head.

uvicorn times out idle keep-alive connections only between requests (and any byte received resets that timer);
a client that connects and never finishes its request head (a slow-loris attack) holds a file descriptor for
ever, and about a thousand of them stop the server from accepting anyone. This closes a connection whose first
request head has not arrived in time, however many bytes of it trickle in.
"""
from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_DEADLINE = 10.0  # seconds a client has to send its first request head


class HeadDeadlineH11(H11Protocol):
    """Closes a connection that has not sent a complete first request head within HEAD_DEADLINE."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(HEAD_DEADLINE, self._head_overdue)

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_timer.cancel()
        super().connection_lost(exc)

    def _head_overdue(self) -> None:
        """No request yet (uvicorn sets `cycle` when a head is complete): close without a response."""
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()
