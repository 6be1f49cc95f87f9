"""Local ports for the processes the demo, the tests and the benchmarks start (127.0.0.1 only).

- free_port() -> int                       a port nothing listens on right now
- wait_for_port(port, timeout) -> bool      True once something accepts connections there
- port_free(port) -> bool                   True when 127.0.0.1:port can be bound now
"""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
