"""Route table of the fake platform server. Each platform lives in its own module: Graph
API (Facebook Page, Instagram) in meta.py, X, Mastodon, Bluesky and LinkedIn in theirs.

Each handler gets a Req and returns a Resp. Paths are relative to the platform prefix
(/x, /graph/v23.0, /mastodon, /bsky, /linkedin). Shapes follow the public API docs
(see docs/publishing.md).
"""

from __future__ import annotations

import time

from fakeplatform import bluesky as _bluesky
from fakeplatform import linkedin as _linkedin
from fakeplatform import mastodon as _mastodon
from fakeplatform import x as _x
from fakeplatform.common import Req, Resp
from fakeplatform.meta import graph, graph_platform

__all__ = ["ROUTES", "Req", "Resp", "graph", "graph_platform"]


ROUTES = {"/x": ("x", _x.x), "/graph": ("graph", graph), "/mastodon": ("mastodon", _mastodon.mastodon),
          "/bsky": ("bluesky", _bluesky.bluesky), "/bsky-pds": ("bluesky", _bluesky.bluesky),
          "/linkedin": ("linkedin", _linkedin.linkedin)}


def now_epoch() -> int:
    return int(time.time())

