"""`python -m web --port 8080 --rasa-port 5005`: serve the chat page and the quotes API."""

from __future__ import annotations

import argparse
import logging
import sys

from rasa_addons.channels.origins import OriginError, Origins
from web.app import SOCKETIO_JS, WebConfig, create_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-port", type=int, default=5005, help="the port of Rasa's socket.io channel")
    parser.add_argument("--socket-url", default="", help="the socket.io URL for browsers, if not the page's host and --rasa-port")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not SOCKETIO_JS.exists():
        print(f"Note: {SOCKETIO_JS} is missing, so the chat page cannot connect: run `make web-assets`.", file=sys.stderr)
    try:
        origins = Origins.from_env(args.host, args.port)
    except OriginError as exc:
        print(exc, file=sys.stderr)
        return 2
    app = create_app(WebConfig(rasa_port=args.rasa_port, socket_url=args.socket_url, origins=origins))
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
