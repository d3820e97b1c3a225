#!/usr/bin/env python3
"""Benign traffic generator for the behaviour captures; one instance per source pod.

  benign.py ROLE SEED [DURATION_S]      ROLE: a-client | b-client | a-api

Randomised with SEED (request mix, ids, think times; wall-clock jitter aside). Total rate over the
three roles is a few requests per second:
  a-client (cn-a-client): ~1 req/s to the shop (items 35 %, cart 20 %, search 15 %, health 10 %,
            login 15 %, api /recommend 5 %), DNS A lookups of web.svc.lab / api.svc.lab via
            dnsmasq before ~30 % of requests (AAAA ~5 %); users alice bob carol dave.
  b-client (cn-b-client): ~0.5 req/s of the same mix (users erin frank grace heidi), plus a
            periodic poller: GET http://10.244.1.13:8081/status every 5 s +- 0.3 s (kube-probe).
  a-api    (cn-a-api): ~0.4 req/s service-to-service calls to the shop (/items, /health), DNS
            lookups of web.svc.lab.
Logins are correct except at most 2 wrong passwords per user per run, >= 120 s apart, each
followed by the correct one. Every action is logged to stderr: <epoch> <role> <what> <result>.
"""
import http.client
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse

SHOP = ("10.244.1.10", 8080)
API = ("10.244.1.13", 8081)
DNS = "10.244.1.12"
USERS = {"a-client": ["alice", "bob", "carol", "dave"], "b-client": ["erin", "frank", "grace", "heidi"]}
WORDS = ["lamp", "chair", "desk", "sofa", "rug", "shelf", "bed", "mirror", "clock", "vase",
         "plant", "table", "stool", "bench", "frame", "teapot", "kettle"]
UA = {"a-client": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
      "b-client": "curl/7.88.1", "a-api": "api-svc/1.0"}

lock = threading.Lock()


def log(*a):
    with lock:
        sys.stderr.write("%.3f %s\n" % (time.time(), " ".join(str(x) for x in a)))
        sys.stderr.flush()


def dns(rng, name, qtype=1):
    tid = rng.randrange(65536)
    q = struct.pack("!HHHHHH", tid, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    q += struct.pack("!HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    try:
        s.sendto(q, (DNS, 53))
        r, _ = s.recvfrom(4096)
        return "rcode=%d an=%d" % (r[3] & 15, struct.unpack("!H", r[6:8])[0])
    except OSError as e:
        return "err=%s" % e
    finally:
        s.close()


def req(role, host_port, method, path, body=None):
    c = http.client.HTTPConnection(*host_port, timeout=5)
    try:
        hdrs = {"User-Agent": UA.get(role, "cn-lab"), "Accept": "*/*"}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=hdrs)
        r = c.getresponse()
        r.read()
        return r.status
    except OSError as e:
        return "err=%s" % e
    finally:
        c.close()


class Client:
    def __init__(self, role, rng, start):
        self.role, self.rng, self.start = role, rng, start
        self.fails = {u: [] for u in USERS.get(role, [])}

    def login(self):
        rng = self.rng
        user = rng.choice(list(self.fails))
        now = time.time()
        f = self.fails[user]
        wrong = (len(f) < 2 and (not f or now - f[-1] > 120) and now - self.start > 20 and rng.random() < 0.12)
        pw = ("pw-%s-2O24" % user) if wrong else ("pw-%s-2024" % user)
        st = req(self.role, SHOP, "POST", "/login", urllib.parse.urlencode({"user": user, "password": pw}))
        log(self.role, "POST /login user=%s" % user, st)
        if wrong:
            f.append(now)
            time.sleep(rng.uniform(1.5, 4.0))  # the user retypes it
            st = req(self.role, SHOP, "POST", "/login", urllib.parse.urlencode({"user": user, "password": "pw-%s-2024" % user}))
            log(self.role, "POST /login user=%s (retry)" % user, st)

    def step(self):
        rng = self.rng
        if rng.random() < 0.3:
            log(self.role, "DNS A web.svc.lab", dns(rng, "web.svc.lab"))
            if rng.random() < 0.15:
                log(self.role, "DNS AAAA web.svc.lab", dns(rng, "web.svc.lab", 28))
        x = rng.random()
        if x < 0.35:
            p = "/items/%d" % rng.randint(1, 200)
        elif x < 0.55:
            p = "/cart/%d" % rng.randint(1, 40)
        elif x < 0.70:
            p = "/search?q=%s" % rng.choice(WORDS)
        elif x < 0.80:
            p = "/health"
        elif x < 0.95:
            return self.login()
        else:
            if rng.random() < 0.5:
                log(self.role, "DNS A api.svc.lab", dns(rng, "api.svc.lab"))
            p = "/recommend/%d" % rng.randint(1, 200)
            log(self.role, "GET api" + p, req(self.role, API, "GET", p))
            return
        log(self.role, "GET " + p, req(self.role, SHOP, "GET", p))


def poller(stop):
    """cn-b-client's legitimate health check: every 5 s +- 0.3 s."""
    rng = random.Random(5)
    nxt = time.time() + rng.uniform(0, 5)
    while not stop.is_set():
        d = nxt - time.time()
        if d > 0 and stop.wait(d):
            return
        st = req("poller", API, "GET", "/status")
        log("poller", "GET api/status", st)
        nxt += 5.0 + rng.uniform(-0.3, 0.3)


def main():
    role, seed = sys.argv[1], int(sys.argv[2])
    dur = float(sys.argv[3]) if len(sys.argv) > 3 else 1e9
    rng = random.Random("%s/%d" % (role, seed))
    start = time.time()
    stop = threading.Event()
    if role == "b-client":
        UA["poller"] = "kube-probe/1.29"
        threading.Thread(target=poller, args=(stop,), daemon=True).start()
    mean = {"a-client": 1.0, "b-client": 2.0, "a-api": 2.5}[role]
    cl = Client(role, rng, start)
    try:
        while time.time() - start < dur:
            time.sleep(min(rng.expovariate(1.0 / mean), 4 * mean))
            if role == "a-api":
                if rng.random() < 0.25:
                    log(role, "DNS A web.svc.lab", dns(rng, "web.svc.lab"))
                p = "/health" if rng.random() < 0.3 else "/items/%d" % rng.randint(1, 200)
                log(role, "GET " + p, req(role, SHOP, "GET", p))
            else:
                cl.step()
    except KeyboardInterrupt:
        pass
    stop.set()


if __name__ == "__main__":
    main()
