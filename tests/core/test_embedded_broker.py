"""The embedded broker (kombu's SQLAlchemy transport on SQLite): producers in several
processes and one consumer, nothing lost or doubled (the filesystem transport it replaces
killed the worker on a half-written message file, kombu issue 1551)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from kombu import Connection

pytestmark = pytest.mark.slow

PRODUCER = textwrap.dedent("""
    import sys
    from kombu import Connection
    with Connection(sys.argv[1], transport_options={"connect_args": {"timeout": 30}}) as conn:
        queue = conn.SimpleQueue("demo")
        for n in range(int(sys.argv[3])):
            queue.put({"producer": sys.argv[2], "n": n})
        queue.close()
""")


def test_messages_from_several_processes_arrive_exactly_once(tmp_path):
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    per_producer = 150
    producers = [subprocess.Popen([sys.executable, "-c", PRODUCER, url, str(i), str(per_producer)])
                 for i in range(3)]
    seen = []
    with Connection(url, transport_options={"connect_args": {"timeout": 30}}) as conn:
        queue = conn.SimpleQueue("demo")
        while len(seen) < 3 * per_producer:
            message = queue.get(block=True, timeout=60)
            seen.append((message.payload["producer"], message.payload["n"]))
            message.ack()
        queue.close()
    assert all(p.wait(60) == 0 for p in producers)
    assert len(set(seen)) == len(seen) == 3 * per_producer
