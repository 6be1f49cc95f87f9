from __future__ import annotations

import socket

from fahndung.core.net import free_port, wait_for_port


def test_wait_for_port_sees_a_listener_and_times_out_without_one():
    port = free_port()
    assert wait_for_port(port, timeout=0.3) is False
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        assert wait_for_port(port, timeout=2) is True
