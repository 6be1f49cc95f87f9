"""Request/response types shared by the per-platform handlers of the fake server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def form(self) -> dict[str, Any]:
        """Fields of a urlencoded or multipart body merged with the query string;
        file parts come back as bytes."""
        out: dict[str, Any] = {k: v[-1] for k, v in self.query.items()}
        ctype = self.header("content-type")
        if ctype.startswith("application/x-www-form-urlencoded"):
            for key, values in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items():
                out[key] = values if key.endswith("[]") else values[-1]
        elif ctype.startswith("multipart/form-data"):
            msg = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {ctype}\r\n\r\n".encode() + self.body
            )
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if not name:
                    continue
                payload = part.get_payload(decode=True) or b""
                out[name] = payload if part.get_filename() else payload.decode("utf-8")
        elif ctype.startswith("application/json"):
            out.update(self.json())
        return out


@dataclass
class Resp:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def bearer(req: Req) -> bool:
    return req.header("authorization").startswith("Bearer ")

