"""A tiny HTTP server on 127.0.0.1 that keeps the JSON posted to it and answers like a group robot: robot
messages are tested against it and never leave the machine. ``answers`` is a queue of (status, JSON body)
to give, one per request; when it is empty the answer is ``200 {"errcode": 0, "errmsg": "ok"}``."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.smtp_sink import InBackground

OK = (200, {"errcode": 0, "errmsg": "ok"})


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        parts = urlsplit(self.path)
        self.server.requests.append({
            "path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
            "content_type": self.headers.get("Content-Type"), "raw": raw, "json": json.loads(raw.decode("utf-8")),
        })
        status, body = self.server.answers.pop(0) if self.server.answers else OK
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args):  # quiet
        pass


class HttpSink(InBackground, ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []
        self.start_thread()

    def url(self, path: str = "/robot/send?access_token=tok1234") -> str:
        return f"http://127.0.0.1:{self.port}{path}"
