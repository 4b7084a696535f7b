"""Run an OnsPlan role as a real HTTP server on a free loopback port, in a thread."""
from __future__ import annotations

import threading

from werkzeug.serving import make_server


class LoopbackServer:
    def __init__(self, app) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)
