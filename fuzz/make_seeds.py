#!/usr/bin/env python3
"""Writes the Jazzer seeds of fuzz/ from real captures (run from the repository root; reads pcaps/ and
../shared/pcaps-external/, writes fuzz/src/test/resources/io/crowsnest/fuzz/<Target>Inputs/<method>/).

Two input forms, the ones the targets read:
  parser targets (Pieces.java): per captured segment, a 2-byte big-endian header (top bit: client to server,
      low 15 bits: length) and the payload, retransmitted bytes left out;
  TcpReassemblerFuzzTest: a 15-byte header (limits 0 = defaults; misc: midstream bit, raw window 4096, the
      server port's index; the two initial sequence numbers), then per packet: ctl (0x80 to server), TCP flags,
      seq and ack as signed 32-bit distances from the highest sequence number each direction sent so far,
      payload length (2 bytes) and payload.
Seeds are committed; rerun this only to change them. The build replays them (regression mode).
"""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXT = os.path.join(os.path.dirname(ROOT), "shared", "pcaps-external")
OUT = os.path.join(ROOT, "fuzz", "src", "test", "resources", "io", "crowsnest", "fuzz")
PORTS = [80, 443, 22, 6379, 5432, 3306, 21, 53, 8080, 9001, 25, 11211, 2379, 10250, 5000, 1]
MAX_PAYLOAD = 8192
MAX_SEED = 16 << 10


def packets(path):
    """(src, sport, dst, dport, proto, flags, seq, ack, payload) of each TCP/UDP packet of a classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    i = 24
    while i + 16 <= len(data):
        incl = struct.unpack(e + "I", data[i + 8:i + 12])[0]
        frame = data[i + 16:i + 16 + incl]
        i += 16 + incl
        if link == 1:
            et, l3 = struct.unpack(">H", frame[12:14])[0], 14
            while et in (0x8100, 0x88A8):
                et, l3 = struct.unpack(">H", frame[l3 + 2:l3 + 4])[0], l3 + 4
        elif link == 0:
            et, l3 = (0x0800 if frame[0] == 2 or frame[3] == 2 else 0x86DD), 4
        elif link in (101, 12):
            et, l3 = (0x0800 if frame[0] >> 4 == 4 else 0x86DD), 0
        elif link == 113:
            et, l3 = struct.unpack(">H", frame[14:16])[0], 16
        else:
            continue
        ip = frame[l3:]
        if et == 0x0800 and len(ip) >= 20:
            hl, total, proto = (ip[0] & 15) * 4, struct.unpack(">H", ip[2:4])[0], ip[9]
            src, dst, l4 = ip[12:16], ip[16:20], ip[hl:total]
        elif et == 0x86DD and len(ip) >= 40:
            proto, src, dst = ip[6], ip[8:24], ip[24:40]
            l4 = ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
        else:
            continue
        if proto == 6 and len(l4) >= 20:
            sport, dport, seq, ack = struct.unpack(">HHII", l4[:12])
            yield src, sport, dst, dport, 6, l4[13], seq, ack, l4[(l4[12] >> 4) * 4:]
        elif proto == 17 and len(l4) >= 8:
            sport, dport = struct.unpack(">HH", l4[:4])
            yield src, sport, dst, dport, 17, 0, 0, 0, l4[8:]


def conversations(path, port, proto=6):
    """Per flow with server port `port`, in capture order: [(to_server, flags, seq, ack, payload)]."""
    flows = {}
    for src, sport, dst, dport, p, flags, seq, ack, payload in packets(path):
        if p != proto or port not in (sport, dport):
            continue
        to_server = dport == port
        key = (src, sport, dst, dport) if to_server else (dst, dport, src, sport)
        flows.setdefault(key, []).append((to_server, flags, seq, ack, payload))
    return list(flows.values())


def pieces(conv):
    """Parser input: each direction's new bytes in capture order (retransmissions left out)."""
    out, nxt = bytearray(), {}
    for to_server, flags, seq, ack, payload in conv:
        if flags & 0x02:
            nxt[to_server] = (seq + 1) & 0xFFFFFFFF
        if not payload:
            continue
        rel = (seq - nxt.get(to_server, seq) + (1 << 31)) % (1 << 32) - (1 << 31)
        if rel + len(payload) <= 0:
            continue
        if rel < 0:
            payload = payload[-rel:]
            seq = (seq - rel) & 0xFFFFFFFF
        nxt[to_server] = (seq + len(payload)) & 0xFFFFFFFF
        for k in range(0, len(payload), 0x7FFF):
            chunk = payload[k:k + 0x7FFF]
            out += struct.pack(">H", (0x8000 if to_server else 0) | len(chunk)) + chunk
        if len(out) > MAX_SEED:
            break
    return bytes(out[:MAX_SEED])


def datagrams(convs):
    out = bytearray()
    for conv in convs:
        for to_server, _, _, _, payload in conv:
            out += struct.pack(">H", (0x8000 if to_server else 0) | len(payload)) + payload
    return bytes(out)


def segments(conv, port, reorder=False):
    """Reassembler input: the flow's packets as the target reads them (optionally with the data segments
    of each direction swapped pairwise, to start from out-of-order delivery)."""
    conv = list(conv)
    if reorder:
        data = [k for k, c in enumerate(conv) if c[4] and not c[1] & 0x07]
        for a, b in zip(data[0::2], data[1::2]):
            if conv[a][0] == conv[b][0]:
                conv[a], conv[b] = conv[b], conv[a]
    syn_c = next((c for c in conv if c[1] & 0x12 == 0x02), None)
    syn_s = next((c for c in conv if c[1] & 0x12 == 0x12), None)
    isn_c = syn_c[2] if syn_c else next(c[2] for c in conv if c[0])
    isn_s = syn_s[2] if syn_s else next((c[2] for c in conv if not c[0]), 0)
    idx = PORTS.index(port) if port in PORTS else PORTS.index(8080)
    misc = (0 if syn_c or syn_s else 1) | idx << 3
    out = bytearray(struct.pack(">HHBBBII", 0, 0, 0, 0, misc, isn_c, isn_s))
    high = {True: isn_c, False: isn_s}

    def s32(v):
        return (v + (1 << 31)) % (1 << 32) - (1 << 31)

    for to_server, flags, seq, ack, payload in conv:
        parts = [payload[k:k + MAX_PAYLOAD] for k in range(0, len(payload), MAX_PAYLOAD)] or [b""]
        for n, part in enumerate(parts):
            f = flags if n == len(parts) - 1 else flags & ~0x09
            a = s32(ack - high[not to_server]) if flags & 0x10 else 0
            out += struct.pack(">BBiiH", 0x80 if to_server else 0, f, s32(seq - high[to_server]), a, len(part)) + part
            end = (seq + (1 if f & 0x02 else 0) + len(part)) & 0xFFFFFFFF
            if s32(end - high[to_server]) > 0:
                high[to_server] = end
            seq = (seq + len(part)) & 0xFFFFFFFF
        if len(out) > MAX_SEED:
            break
    return bytes(out[:MAX_SEED])


def write(target, method, name, data):
    d = os.path.join(OUT, target + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    print(f"{target}/{method}/{name}: {len(data)} bytes", file=sys.stderr)


def first(convs, n, minimum=1):
    return [c for c in convs if sum(len(x[4]) for x in c) >= minimum][:n]


def varied(convs):
    """The smallest and the largest conversation (a refused login and a session that did something)."""
    by_size = sorted(convs, key=lambda c: sum(len(x[4]) for x in c))
    return [by_size[0], by_size[-1]]


def main():
    lab, sig = os.path.join(ROOT, "pcaps", "lab"), os.path.join(ROOT, "pcaps", "signatures")
    http = conversations(os.path.join(EXT, "normal", "zeek-http-get.pcap"), 80)[0]
    tls = conversations(os.path.join(EXT, "normal", "zeek-tls-chrome-34-google.pcap"), 443)[0]
    ftp = first(conversations(os.path.join(EXT, "brute-force", "zeek-ftp-bruteforce.pcap"), 21), 2, 100)
    ssh = first(conversations(os.path.join(EXT, "brute-force", "zeek-sshguess.pcap"), 22), 1, 1)
    redis = (conversations(os.path.join(EXT, "container-api", "ndpi-redis-resp.pcap"), 6379)[:1]
             + conversations(os.path.join(EXT, "container-api", "zeek-redis-auth.pcap"), 6379)[:1])
    sql = os.path.join(lab, "behaviour", "bruteforce-sql.pcap")
    pgsql = varied(conversations(sql, 5432)) + first(conversations(os.path.join(sig, "datastores.pcap"), 5432), 1, 100)
    mysql = varied(conversations(sql, 3306))
    dns = conversations(os.path.join(EXT, "normal", "ndpi-dns.pcap"), 53, 17) \
        + conversations(os.path.join(EXT, "dns", "zeek-dns-long-connection.pcap"), 53, 17)

    write("HttpParserFuzzTest", "feedPieces", "zeek-http-get", pieces(http))
    write("HttpParserFuzzTest", "feedPieces", "chunked", b"".join(
        struct.pack(">H", (0x8000 if ts else 0) | len(b)) + b for ts, b in [
            (True, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            (False, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"),
            (False, b"5\r\nhello\r\n0\r\n\r\n")]))
    write("TlsParserFuzzTest", "handshake", "zeek-tls-chrome-34-google", pieces(tls))
    for k, c in enumerate(ftp):
        write("FtpParserFuzzTest", "conversation", f"zeek-ftp-bruteforce-{k}", pieces(c))
    write("SshParserFuzzTest", "banners", "zeek-sshguess", pieces(ssh[0])[:4096])
    for k, c in enumerate(redis):
        write("RedisParserFuzzTest", "commandsAndReplies", ["ndpi-redis-resp", "zeek-redis-auth"][k], pieces(c))
    for k, c in enumerate(pgsql):
        write("PgsqlParserFuzzTest", "conversation", f"pgsql-{k}", pieces(c))
    for k, c in enumerate(mysql):
        write("MysqlParserFuzzTest", "conversation", f"mysql-{k}", pieces(c))
    write("DnsParserFuzzTest", "datagramsAndStream", "udp", datagrams(dns))
    # the same messages over TCP: each with its 2-byte length, in its direction
    write("DnsParserFuzzTest", "datagramsAndStream", "tcp-framed", b"".join(
        struct.pack(">H", (0x8000 if ts else 0) | len(m) + 2) + struct.pack(">H", len(m)) + m
        for c in dns for ts, _, _, _, m in c))

    write("TcpReassemblerFuzzTest", "segments", "http", segments(http, 80))
    write("TcpReassemblerFuzzTest", "segments", "http-reordered", segments(http, 80, reorder=True))
    write("TcpReassemblerFuzzTest", "segments", "tls", segments(tls, 443))
    write("TcpReassemblerFuzzTest", "segments", "ftp", segments(ftp[0], 21))
    write("TcpReassemblerFuzzTest", "segments", "mysql", segments(mysql[0], 3306))
    # the server's SYN/ACK again, carrying data, after its RST: the direction ended, nothing is delivered
    write("TcpReassemblerFuzzTest", "segments", "syn-data-after-rst", segments([
        (True, 0x02, 1000, 0, b""), (False, 0x12, 5000, 1001, b""), (True, 0x10, 1001, 5001, b""),
        (False, 0x14, 5001, 1001, b""), (False, 0x12, 5000, 1001, b"late")], 80))
    write("TcpReassemblerFuzzTest", "segments", "redis-midstream", segments(
        [c for c in redis[0] if not c[1] & 0x02][2:], 6379))


if __name__ == "__main__":
    main()
