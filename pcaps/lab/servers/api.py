#!/usr/bin/env python3
"""The lab's api pod (cn-a-api:8081): a small internal HTTP service.

  api.py LISTEN_ADDR PORT SHOP_ADDR:PORT

  GET /status            200 {"status":"ok",...}            (polled by cn-b-client every 5 s)
  GET /price/<cart>      200 {"cart":..,"total":..}         (called by the shop for /cart/<id>)
  GET /recommend/<id>    calls the shop's GET /items/<id> (service-to-service HTTP) and wraps it

Every request is logged to stderr as  <epoch> <client> <method> <path> <status>
"""
import json
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = time.time()


class Api(BaseHTTPRequestHandler):
    server_version = "cn-lab-api/1.0"
    sys_version = ""
    shop = None

    def log_message(self, fmt, *args):
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        sys.stderr.write("%.3f %s %s %s %d\n" % (time.time(), self.client_address[0], self.command, self.path, code))
        sys.stderr.flush()

    def do_GET(self):
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if parts == ["status"]:
            self._send(200, {"status": "ok", "uptime": round(time.time() - START, 1)})
        elif len(parts) == 2 and parts[0] == "price":
            try:
                c = int(parts[1])
            except ValueError:
                c = 0
            self._send(200, {"cart": parts[1], "total": round(9.99 + (c * 17) % 300, 2), "currency": "EUR"})
        elif len(parts) == 2 and parts[0] == "recommend":
            item = self._shop("/items/%s" % parts[1])
            self._send(200 if item else 502, {"because": parts[1], "item": item})
        else:
            self._send(404, {"error": "not found"})

    def _shop(self, path):
        host, port = self.shop
        try:
            with socket.create_connection((host, port), timeout=3) as s:
                s.sendall(("GET %s HTTP/1.0\r\nHost: web.svc.lab:%d\r\nUser-Agent: api-svc/1.0\r\n\r\n"
                           % (path, port)).encode())
                data = b""
                while True:
                    b = s.recv(4096)
                    if not b:
                        break
                    data += b
            return json.loads(data.split(b"\r\n\r\n", 1)[1])
        except Exception:  # noqa: BLE001
            return None


def main():
    addr, port, shop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    h, p = shop.rsplit(":", 1)
    Api.shop = (h, int(p))
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer((addr, port), Api).serve_forever()


if __name__ == "__main__":
    main()
