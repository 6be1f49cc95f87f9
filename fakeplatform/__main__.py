"""`python -m fakeplatform --port 8765`: run the fake platform server in the foreground."""

from __future__ import annotations

import argparse

from fakeplatform.server import FakePlatformHTTPServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local fake of X/Graph/Mastodon/Bluesky/LinkedIn APIs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    httpd = FakePlatformHTTPServer((args.host, args.port))
    print(f"fakeplatform listening on http://{args.host}:{httpd.server_address[1]}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
