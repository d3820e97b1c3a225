#!/usr/bin/env python3
"""A fake Docker Engine API on 2375 for the lab: answers containers/create with 201 and a JSON id,
containers/<id>/start with 204, _ping and version; logs every request line to stderr."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

CID = "4f1c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee00"


class Api(BaseHTTPRequestHandler):
    server_version = "Docker/24.0.7 (linux)"
    sys_version = ""

    def _send(self, code, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def do_GET(self):
        if self.path.endswith("/_ping"):
            self._send(200, "OK")
        elif self.path.endswith("/version"):
            self._send(200, {"Version": "24.0.7", "ApiVersion": "1.41", "Os": "linux"})
        else:
            self._send(404, {"message": "page not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        sys.stderr.write("body: %s\n" % body.decode(errors="replace"))
        if "/containers/create" in self.path:
            self._send(201, {"Id": CID, "Warnings": []})
        elif self.path.endswith("/start"):
            self._send(204)
        else:
            self._send(404, {"message": "page not found"})


if __name__ == "__main__":
    host = sys.argv[1] if len(sys.argv) > 1 else "0.0.0.0"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 2375
    HTTPServer((host, port), Api).serve_forever()
