#!/usr/bin/env python3
"""The lab's web pod: answers every GET/POST with a small HTML page and logs the request line and
headers (so a Log4Shell-style header is visible in the log) to stderr."""
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Web(BaseHTTPRequestHandler):
    server_version = "cn-lab-web/1.0"
    sys_version = ""

    def _reply(self):
        sys.stderr.write("%s %s %s\n" % (self.command, self.path, dict(self.headers)))
        body = b"<html><body><h1>cn-lab web</h1></body></html>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._reply()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self._reply()


if __name__ == "__main__":
    HTTPServer((sys.argv[1], int(sys.argv[2])), Web).serve_forever()
