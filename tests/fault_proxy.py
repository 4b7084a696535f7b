"""A small HTTP proxy on loopback that breaks the connection between the family space and the hub
on purpose: each request takes the next fault from a schedule."""
from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

FAULTS = ("pass", "drop_request", "drop_response", "duplicate", "truncate_request", "truncate_response",
          "reorder_response", "kill_hub")


class FaultProxy:
    def __init__(self, target_url: str, schedule: list[str], on_kill: Callable[[], None] | None = None) -> None:
        self.target = urlsplit(target_url)
        self.schedule = list(schedule)
        self.on_kill = on_kill
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):  # keep test output quiet
                pass

            def do_GET(self):
                proxy._handle(self, b"")

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy._handle(self, body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self, handler) -> str:
        if handler.command == "GET":
            return "pass"  # the directory and the hub's keys: faults on the requests that change things
        fault = self.schedule.pop(0) if self.schedule else "pass"
        self.seen.append(fault)
        return fault

    def _forward(self, handler, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=15)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
        headers["Content-Length"] = str(len(body))
        connection.request(handler.command, handler.path, body=body if handler.command == "POST" else None,
                           headers=headers)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        return response.status, [(k, v) for k, v in response.getheaders()
                                 if k.lower() not in ("content-length", "connection", "transfer-encoding")], answer

    def _handle(self, handler, body: bytes) -> None:
        fault = self._next_fault(handler)
        try:
            if fault == "drop_request":
                handler.close_connection = True
                return
            if fault == "truncate_request":
                body = body[: len(body) // 2]
            if fault == "duplicate":
                self._forward(handler, body)
            if fault == "kill_hub":
                # Send the whole request, then kill the hub at once: it dies while it works on the batch.
                connection = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=15)
                headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
                connection.request(handler.command, handler.path, body=body, headers=headers)
                if self.on_kill:
                    self.on_kill()
                connection.close()
                handler.close_connection = True
                return
            status, headers, answer = self._forward(handler, body)
        except OSError:
            handler.send_error(502)
            return
        if fault == "drop_response":
            handler.close_connection = True
            return
        if fault == "reorder_response" and answer.startswith(b"{"):
            data = json.loads(answer)
            if isinstance(data.get("envelopes"), list) and len(data["envelopes"]) > 1:
                data["envelopes"].reverse()
            answer = json.dumps(data).encode()
        handler.send_response(status)
        for key, value in headers:
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer[: len(answer) // 2] if fault == "truncate_response" else answer)
        if fault == "truncate_response":
            handler.close_connection = True
