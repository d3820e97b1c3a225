#!/usr/bin/env python3
"""The lab's shop pod (cn-a-web): a small HTTP service backed by the real redis-server on
cn-a-redis, spoken to in RESP over plain sockets (no client library).

  shop.py LISTEN_ADDR PORT REDIS_ADDR:PORT REDIS_PASSWORD API_ADDR:PORT

  GET  /items/<id>          1 Redis command   (GET item:<id>)
  GET  /cart/<id>           2-3 Redis commands (HGETALL cart:<id> + GET item:<x> for 1-2 items)
                            and one service-to-service call to the api pod (GET /price/<id>)
  POST /login               form user=..&password=..: HGET user:<user> password -> 200 or 401
  GET  /health              200, no Redis
  GET  /search?q=<word>     1-3 Redis commands (GET search:cache:<q>; on a miss SMEMBERS tag:<q>
                            + GET item:<first>)
  GET  /search?q=*          the abuse: SCAN 0 MATCH item:* COUNT 100 (until the cursor is 0)
                            + one GET per key (200 item keys -> ~200 Redis commands)

At start it seeds Redis with ~300 keys (200 items, 40 carts, 20 users, 15 tags, 10 cached
searches, 15 sessions). Every request is logged to stderr as
  <epoch> <client> <method> <path> <status> redis_ops=<n>
"""
import json
import queue
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = 200
CARTS = 40
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"]
TAGS = ["lamp", "chair", "desk", "sofa", "rug", "shelf", "bed", "mirror", "clock", "vase",
        "plant", "table", "stool", "bench", "frame"]
CACHED = TAGS[:10]


def password_of(user):
    return "pw-%s-2024" % user


class RedisError(Exception):
    pass


class Redis:
    """One RESP connection (AUTH on connect)."""

    def __init__(self, host, port, password):
        self.s = socket.create_connection((host, port), timeout=5)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")
        if password:
            self.cmd("AUTH", password)

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def cmd(self, *args):
        self.s.sendall(self.encode(args))
        return self.read()

    def pipeline(self, cmds):
        self.s.sendall(b"".join(self.encode(c) for c in cmds))
        return [self.read() for _ in cmds]

    def read(self):
        line = self.f.readline()
        if not line:
            raise RedisError("connection closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RedisError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RedisError("bad reply %r" % line)

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


class Pool:
    def __init__(self, host, port, password, size=4):
        self.args = (host, port, password)
        self.q = queue.LifoQueue()
        self.sem = threading.Semaphore(size)

    def run(self, fn):
        """fn(conn, counter) -> result; counter counts Redis commands."""
        self.sem.acquire()
        try:
            try:
                conn = self.q.get_nowait()
            except queue.Empty:
                conn = Redis(*self.args)
            try:
                res = fn(conn)
            except (OSError, RedisError):
                conn.close()
                raise
            self.q.put(conn)
            return res
        finally:
            self.sem.release()


def seed(pool):
    def do(r):
        cmds = []
        for i in range(1, ITEMS + 1):
            cmds.append(("SET", "item:%d" % i, json.dumps(
                {"id": i, "name": "%s-%d" % (TAGS[i % len(TAGS)], i), "price": 5 + (i * 37) % 400})))
        for c in range(1, CARTS + 1):
            cmds.append(("HSET", "cart:%d" % c, "owner", USERS[c % len(USERS)],
                         "item:%d" % (1 + (c * 7) % ITEMS), 1 + c % 3,
                         "item:%d" % (1 + (c * 13) % ITEMS), 1))
        for u in USERS:
            cmds.append(("HSET", "user:%s" % u, "password", password_of(u), "email", "%s@shop.lab" % u))
        for k, t in enumerate(TAGS):
            cmds.append(("SADD", "tag:%s" % t) + tuple("%d" % i for i in range(1 + k, ITEMS + 1, len(TAGS))))
        for t in CACHED:
            cmds.append(("SET", "search:cache:%s" % t, json.dumps({"q": t, "hits": ITEMS // len(TAGS)})))
        for s in range(15):
            cmds.append(("SET", "session:%04x" % (0x1000 + s * 97), USERS[s % len(USERS)]))
        r.pipeline(cmds)
        return r.cmd("DBSIZE")
    n = pool.run(do)
    sys.stderr.write("%.3f seeded redis: dbsize=%s\n" % (time.time(), n))


class Shop(BaseHTTPRequestHandler):
    server_version = "cn-lab-shop/1.0"
    sys_version = ""
    pool = None
    api = None

    def log_message(self, fmt, *args):
        pass

    def _send(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _log(self, code, ops, extra=""):
        sys.stderr.write("%.3f %s %s %s %d redis_ops=%d%s\n" % (
            time.time(), self.client_address[0], self.command, self.path, code, ops, extra))
        sys.stderr.flush()

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        parts = [p for p in u.path.split("/") if p]
        ops = [0]

        def cmd(r, *a):
            ops[0] += 1
            return r.cmd(*a)

        try:
            if parts == ["health"]:
                code, body = 200, {"status": "ok"}
            elif len(parts) == 2 and parts[0] == "items":
                v = self.pool.run(lambda r: cmd(r, "GET", "item:%s" % parts[1]))
                code, body = (200, json.loads(v)) if v else (404, {"error": "no such item"})
            elif len(parts) == 2 and parts[0] == "cart":
                def cart(r):
                    h = cmd(r, "HGETALL", "cart:%s" % parts[1])
                    keys = [h[i].decode() for i in range(0, len(h or []), 2) if h[i].startswith(b"item:")]
                    items = [cmd(r, "GET", k) for k in keys[:2]]
                    return keys, items
                keys, items = self.pool.run(cart)
                price = self._api("/price/%s" % parts[1])
                code, body = (200, {"cart": parts[1], "items": [json.loads(i) for i in items if i],
                                    "price": price}) if keys else (404, {"error": "empty cart"})
            elif parts == ["search"]:
                q = urllib.parse.parse_qs(u.query).get("q", [""])[0]
                if q == "*":
                    def everything(r):
                        cur, keys = b"0", []
                        while True:
                            cur, batch = cmd(r, "SCAN", cur, "MATCH", "item:*", "COUNT", 100)
                            keys += batch
                            if cur in (b"0", "0"):
                                break
                        return [cmd(r, "GET", k) for k in keys]
                    vals = self.pool.run(everything)
                    code, body = 200, {"q": q, "hits": len(vals),
                                       "items": [json.loads(v)["name"] for v in vals if v]}
                else:
                    def search(r):
                        c = cmd(r, "GET", "search:cache:%s" % q)
                        if c:
                            return json.loads(c)
                        ids = cmd(r, "SMEMBERS", "tag:%s" % q) or []
                        first = cmd(r, "GET", "item:%s" % ids[0].decode()) if ids else None
                        return {"q": q, "hits": len(ids), "first": json.loads(first) if first else None}
                    code, body = 200, self.pool.run(search)
            else:
                code, body = 404, {"error": "not found"}
        except Exception as e:  # noqa: BLE001 - a lab server answers 500 and keeps going
            code, body = 500, {"error": str(e)}
        self._send(code, body)
        self._log(code, ops[0])

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode(errors="replace")) if n else {}
        user = form.get("user", [""])[0]
        pw = form.get("password", [""])[0]
        ops = 0
        if self.path.split("?")[0] == "/login":
            try:
                ops = 1
                stored = self.pool.run(lambda r: r.cmd("HGET", "user:%s" % user, "password"))
                ok = stored is not None and stored.decode() == pw
                code, body = (200, {"login": "ok", "user": user}) if ok else (401, {"login": "denied"})
            except Exception as e:  # noqa: BLE001
                code, body = 500, {"error": str(e)}
        else:
            code, body = 404, {"error": "not found"}
        self._send(code, body)
        self._log(code, ops, " user=%s" % user)

    def _api(self, path):
        """Service-to-service call to the api pod (HTTP/1.0, one connection per call)."""
        host, port = self.api
        try:
            with socket.create_connection((host, port), timeout=3) as s:
                s.sendall(("GET %s HTTP/1.0\r\nHost: api.svc.lab:%d\r\nUser-Agent: shop/1.0\r\n\r\n"
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
    addr, port, redis, password, api = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    rh, rp = redis.rsplit(":", 1)
    ah, ap = api.rsplit(":", 1)
    pool = Pool(rh, int(rp), password)
    for _ in range(50):
        try:
            seed(pool)
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("redis unreachable")
    Shop.pool = pool
    Shop.api = (ah, int(ap))
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer((addr, port), Shop).serve_forever()


if __name__ == "__main__":
    main()
