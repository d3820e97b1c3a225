/*
 * cn-send: the live-capture benchmark's packet sender (bench/run-live compiles it with gcc).
 *
 * Replays a classic Ethernet pcap out of one interface at an exact packet rate, or as fast as the
 * kernel takes it, for a duration or a packet count. tcpreplay, the bench's sender before, makes one
 * sendto per packet and paced itself coarsely; with the sensor sharing the machine's two cores it
 * never offered 200 kpps. This one
 *   - preloads the capture, so sending touches no file;
 *   - sends batches with one sendmmsg each on an AF_PACKET socket that bypasses the qdisc
 *     (PACKET_QDISC_BYPASS), so per packet it costs the kernel's own path and little else;
 *   - paces against an absolute schedule (packet i is due at start + i / rate, a batch is sent when
 *     its first packet is due), so the offered rate is the asked rate whatever a batch costs, and a
 *     late batch is caught up instead of lowering the rate;
 *   - computes every IPv4 header, TCP and UDP checksum once when loading: SyntheticCapture writes
 *     none, and a bridge with br_netfilter on (bridge-nf-call-iptables=1, as on Kubernetes nodes
 *     and on this VM) drops IPv4 with a bad header checksum before forwarding it or passing it up
 *     to the bridge's own taps, where the sensor captures;
 *   - rewrites the Ethernet addresses (--smac/--dmac) and, on every pass over the capture after the
 *     first, the IPv4 addresses (second octet + pass, so 10.244.1.7 becomes 10.245.1.7 on pass 1:
 *     new flows every pass, like tcpreplay --unique-ip, the first octet kept) with the checksums
 *     updated incrementally (RFC 1624);
 *   - reports what it did on stdout as key=value: sent (frames the kernel accepted), seconds,
 *     pps, passes, cpu_user and cpu_sys (seconds, its own getrusage), retries (batches retried
 *     after ENOBUFS/EAGAIN).
 *
 * Usage: cn-send -i IFACE [-r PPS (0 = top speed)] [-d SECONDS] [-n PACKETS] [-b BATCH]
 *                [--smac MAC --dmac MAC] FILE.pcap
 * Stops after SECONDS or PACKETS, whichever comes first (at least one must be given).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256

struct frame {
    uint8_t *data;
    uint32_t len;
    int16_t ip;      /* offset of the IPv4 header, -1 when the frame is not IPv4 */
    int16_t l4sum;   /* offset of the TCP/UDP checksum, -1 when none to update */
    uint8_t udp;     /* the checksum is UDP's: a computed 0 is sent as 0xffff */
};

static void die(const char *what, const char *detail) {
    fprintf(stderr, "cn-send: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int parse_mac(const char *s, uint8_t mac[6]) {
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return -1;
    for (int i = 0; i < 6; i++) {
        if (v[i] > 255) return -1;
        mac[i] = (uint8_t) v[i];
    }
    return 0;
}

static uint32_t rd32(const uint8_t *p, int swap) {
    uint32_t v;
    memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

/* The Internet checksum of len bytes at p, folded into sum (not complemented). */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum) {
    for (; len > 1; p += 2, len -= 2) sum += (uint32_t) (p[0] << 8 | p[1]);
    if (len) sum += (uint32_t) (p[0] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

static void put_csum(uint8_t *at, uint32_t sum) {
    uint16_t c = (uint16_t) ~sum;
    at[0] = c >> 8;
    at[1] = c & 0xff;
}

/* Sets the IPv4 header checksum, and the TCP or UDP one when the whole segment was captured. */
static void fix_checksums(struct frame *x) {
    uint8_t *ip = x->data + x->ip;
    int ihl = (ip[0] & 0x0f) * 4;
    uint32_t total = (uint32_t) (ip[2] << 8 | ip[3]);
    if (ihl < 20 || x->len < (uint32_t) (x->ip + ihl)) { x->l4sum = -1; return; }
    ip[10] = ip[11] = 0;
    put_csum(ip + 10, sum16(ip, (size_t) ihl, 0));
    if (x->l4sum < 0) return;
    if (total < (uint32_t) ihl || x->len < x->ip + total) { x->l4sum = -1; return; }   /* cut short: left alone */
    uint8_t *l4 = ip + ihl;
    size_t l4len = total - (uint32_t) ihl;
    x->data[x->l4sum] = x->data[x->l4sum + 1] = 0;
    uint32_t sum = sum16(ip + 12, 8, 0) + ip[9] + (uint32_t) l4len;
    sum = sum16(l4, l4len, sum);
    put_csum(x->data + x->l4sum, sum);
    if (x->udp && x->data[x->l4sum] == 0 && x->data[x->l4sum + 1] == 0) x->data[x->l4sum] = x->data[x->l4sum + 1] = 0xff;
}

/* Reads every record of a classic pcap (either byte order, micro- or nanosecond) into memory. */
static struct frame *load(const char *path, size_t *count) {
    FILE *f = fopen(path, "rb");
    if (!f) die(path, strerror(errno));
    uint8_t gh[24];
    if (fread(gh, 1, 24, f) != 24) die(path, "shorter than a pcap file header");
    uint32_t magic;
    memcpy(&magic, gh, 4);
    int swap;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) swap = 0;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) swap = 1;
    else die(path, "not a classic pcap file (bad magic; pcapng is not read)");
    if (rd32(gh + 20, swap) != 1) die(path, "link type is not Ethernet (1)");
    size_t cap = 1 << 16, n = 0;
    struct frame *fr = malloc(cap * sizeof *fr);
    if (!fr) die("out of memory", NULL);
    uint8_t rh[16];
    size_t got;
    while ((got = fread(rh, 1, 16, f)) == 16) {
        uint32_t len = rd32(rh + 8, swap);
        if (len < 14 || len > 65535) {
            char msg[96];
            snprintf(msg, sizeof msg, "record %zu has a captured length of %u bytes", n + 1, len);
            die(path, msg);
        }
        if (n == cap) {
            cap *= 2;
            fr = realloc(fr, cap * sizeof *fr);
            if (!fr) die("out of memory", NULL);
        }
        uint8_t *d = malloc(len);
        if (!d) die("out of memory", NULL);
        if (fread(d, 1, len, f) != len) {
            char msg[96];
            snprintf(msg, sizeof msg, "record %zu is cut short", n + 1);
            die(path, msg);
        }
        struct frame *x = &fr[n++];
        x->data = d;
        x->len = len;
        x->ip = -1;
        x->l4sum = -1;
        x->udp = 0;
        if (len >= 34 && d[12] == 0x08 && d[13] == 0x00 && (d[14] >> 4) == 4) {
            x->ip = 14;
            int ihl = (d[14] & 0x0f) * 4;
            int frag = ((d[20] & 0x1f) << 8 | d[21]) != 0 || (d[20] & 0x20);
            if (!frag && d[23] == 6 && len >= (uint32_t) (14 + ihl + 18)) x->l4sum = (int16_t) (14 + ihl + 16);
            if (!frag && d[23] == 17 && len >= (uint32_t) (14 + ihl + 8)) {
                x->l4sum = (int16_t) (14 + ihl + 6);
                x->udp = 1;
            }
            fix_checksums(x);
        }
    }
    if (got != 0) die(path, "the last record header is cut short");
    fclose(f);
    if (n == 0) die(path, "holds no packet");
    *count = n;
    return fr;
}

/* RFC 1624 eqn. 3: the checksum at p after a 16-bit word of the covered data went from old to new. */
static void csum_update16(uint8_t *p, uint16_t old, uint16_t new) {
    uint32_t hc = (uint32_t) (p[0] << 8 | p[1]);
    uint32_t s = (uint16_t) ~hc + (uint16_t) ~old + new;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    uint16_t r = (uint16_t) ~s;
    p[0] = r >> 8;
    p[1] = r & 0xff;
}

/* Moves the IPv4 source and destination of f (a copy in out) to pass p: second octet + p. */
static void unique_ip(const struct frame *f, uint8_t *out, unsigned pass) {
    if (f->ip < 0 || pass == 0) return;
    for (int a = 0; a < 2; a++) {
        uint8_t *addr = out + f->ip + 12 + 4 * a;
        uint16_t old = (uint16_t) (addr[0] << 8 | addr[1]);
        addr[1] = (uint8_t) (addr[1] + pass);
        uint16_t new = (uint16_t) (addr[0] << 8 | addr[1]);
        csum_update16(out + f->ip + 10, old, new);
        if (f->l4sum >= 0) {
            csum_update16(out + f->l4sum, old, new);
            if (f->udp && out[f->l4sum] == 0 && out[f->l4sum + 1] == 0) out[f->l4sum] = out[f->l4sum + 1] = 0xff;
        }
    }
}

int main(int argc, char **argv) {
    const char *ifname = NULL, *path = NULL;
    double rate = 0, duration = 0;
    long long limit = 0;
    int batch = 32, have_smac = 0, have_dmac = 0;
    uint8_t smac[6], dmac[6];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-i") && v) ifname = argv[++i];
        else if (!strcmp(a, "-r") && v) rate = atof(argv[++i]);
        else if (!strcmp(a, "-d") && v) duration = atof(argv[++i]);
        else if (!strcmp(a, "-n") && v) limit = atoll(argv[++i]);
        else if (!strcmp(a, "-b") && v) batch = atoi(argv[++i]);
        else if (!strcmp(a, "--smac") && v) { if (parse_mac(argv[++i], smac)) die("bad --smac", v); have_smac = 1; }
        else if (!strcmp(a, "--dmac") && v) { if (parse_mac(argv[++i], dmac)) die("bad --dmac", v); have_dmac = 1; }
        else if (a[0] != '-' && !path) path = a;
        else die("usage: cn-send -i IFACE [-r PPS] [-d SECONDS] [-n PACKETS] [-b BATCH] [--smac MAC --dmac MAC] FILE.pcap; unexpected", a);
    }
    if (!ifname || !path) die("usage: cn-send -i IFACE [-r PPS] [-d SECONDS] [-n PACKETS] [-b BATCH] [--smac MAC --dmac MAC] FILE.pcap", NULL);
    if (rate < 0) die("-r must be packets/s >= 0 (0 = top speed)", NULL);
    if (duration <= 0 && limit <= 0) die("give -d SECONDS or -n PACKETS", NULL);
    if (batch < 1 || batch > MAX_BATCH) die("-b must be 1..256", NULL);

    size_t n;
    struct frame *frames = load(path, &n);
    uint32_t maxlen = 0;
    for (size_t i = 0; i < n; i++) {
        if (have_smac) memcpy(frames[i].data + 6, smac, 6);
        if (have_dmac) memcpy(frames[i].data, dmac, 6);
        if (frames[i].len > maxlen) maxlen = frames[i].len;
    }

    int fd = socket(AF_PACKET, SOCK_RAW, 0);   /* protocol 0: sends only, never receives */
    if (fd < 0) die("socket(AF_PACKET)", strerror(errno));
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) die("PACKET_QDISC_BYPASS", strerror(errno));
    int sndbuf = 16 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
    struct sockaddr_ll sll = {0};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = (int) if_nametoindex(ifname);
    if (sll.sll_ifindex == 0) die(ifname, "no such interface");
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) die("bind", strerror(errno));
    prctl(PR_SET_TIMERSLACK, 1UL);   /* wake on time: the default 50 us slack is a batch at 600 kpps */

    /* Scratch copies for the frames of one batch whose addresses are rewritten for the pass. */
    uint8_t *scratch = malloc((size_t) MAX_BATCH * maxlen);
    if (!scratch) die("out of memory", NULL);
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int k = 0; k < MAX_BATCH; k++) {
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
    }

    long long sent = 0, retries = 0;
    size_t pos = 0;
    unsigned pass = 0;
    double start = now(), end = duration > 0 ? start + duration : 1e300;
    double t = start;
    for (;;) {
        if (limit > 0 && sent >= limit) break;
        if (rate > 0) {
            double due = start + sent / rate;
            if (due >= end) break;
            if (due > t) {
                struct timespec ts;
                double whole = (double) (long long) due;
                ts.tv_sec = (time_t) whole;
                ts.tv_nsec = (long) ((due - whole) * 1e9);
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
            }
        }
        int b = batch;
        if (limit > 0 && limit - sent < b) b = (int) (limit - sent);
        size_t p = pos;
        unsigned ps = pass;
        for (int k = 0; k < b; k++) {
            const struct frame *f = &frames[p];
            if (ps == 0 || f->ip < 0) {
                iov[k].iov_base = f->data;
            } else {
                uint8_t *c = scratch + (size_t) k * maxlen;
                memcpy(c, f->data, f->len);
                unique_ip(f, c, ps);
                iov[k].iov_base = c;
            }
            iov[k].iov_len = f->len;
            if (++p == n) { p = 0; ps++; }
        }
        int done = 0;
        while (done < b) {
            int r = sendmmsg(fd, msgs + done, (unsigned) (b - done), 0);
            if (r < 0) {
                if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) { retries++; continue; }
                die("sendmmsg", strerror(errno));
            }
            done += r;
        }
        sent += b;
        pos = p;
        pass = ps;
        t = now();
        if (t >= end) break;
    }
    double secs = now() - start;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("sent=%lld seconds=%.3f pps=%.0f passes=%u cpu_user=%.3f cpu_sys=%.3f retries=%lld\n", sent, secs,
        sent / secs, pass + (pos > 0 ? 1 : 0), ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
        ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, retries);
    return 0;
}
