#!/usr/bin/env bash
# Crowsnest lab: a two-node container network built from network namespaces (root only).
#
#   pcaps/lab/lab.sh up|down|status
#
# Node A (namespace cn-nodeA)                        Node B (namespace cn-nodeB)
#   bridge cn-br0 10.244.1.1/24                        bridge cn-br0 10.244.2.1/24
#     cn-a-web    10.244.1.10  (veth cn-va-web)          cn-b-evil   10.244.2.5  (veth cn-vb-evil)
#     cn-a-redis  10.244.1.11  (veth cn-va-redis)        cn-b-client 10.244.2.10 (veth cn-vb-client)
#     cn-a-dns    10.244.1.12  (veth cn-va-dns)
#     cn-a-api    10.244.1.13  (veth cn-va-api)
#     cn-a-client 10.244.1.20  (veth cn-va-client)
#   VXLAN cn-vx0 10.244.1.0/32 (VNI 1, UDP 8472)  ==  VXLAN cn-vx0 10.244.2.0/32
#   underlay veth cn-ul0 192.168.56.10/24   <------>   underlay veth cn-ul0 192.168.56.11/24
#
# The overlay is built the way flannel's vxlan backend does it: the VXLAN device is not a bridge
# port; it has the .0 address of the node's pod CIDR as a /32, the remote pod CIDR is routed
# "via <remote .0> dev cn-vx0 onlink", and a permanent neighbour entry plus a static FDB entry
# map the remote VTEP MAC to the remote underlay address. Pod traffic between the nodes is thus
# routed: pod -> cn-br0 -> cn-vx0 (encapsulated in UDP 8472 on cn-ul0) -> cn-vx0 -> cn-br0 -> pod.
#
# Every namespace and link created here is named cn-*; every address is in 10.244.0.0/16 or
# 192.168.56.0/24 and lives only inside these namespaces. Nothing in the root namespace is
# touched. Offloads are turned off on every veth and VXLAN device so captures carry real
# checksums and no GRO super-frames. IPv6 is disabled inside the lab to keep captures small.
#
# Debian packages: iproute2 ethtool (lab) — scenarios also need: tcpdump python3 curl
#   netcat-openbsd nmap redis-server redis-tools dnsmasq-base dnsutils iputils-ping
set -euo pipefail

NODES=(cn-nodeA cn-nodeB)
# pod namespace:node:address:veth
PODS=(
  "cn-a-web:cn-nodeA:10.244.1.10:cn-va-web"
  "cn-a-redis:cn-nodeA:10.244.1.11:cn-va-redis"
  "cn-a-dns:cn-nodeA:10.244.1.12:cn-va-dns"
  "cn-a-api:cn-nodeA:10.244.1.13:cn-va-api"
  "cn-a-client:cn-nodeA:10.244.1.20:cn-va-client"
  "cn-b-evil:cn-nodeB:10.244.2.5:cn-vb-evil"
  "cn-b-client:cn-nodeB:10.244.2.10:cn-vb-client"
)
VTEP_MAC_A=02:cc:00:00:01:00
VTEP_MAC_B=02:cc:00:00:02:00

die() { echo "lab.sh: $*" >&2; exit 1; }

# Refuse to touch anything that is not ours.
guard() {
  local n
  for n in "$@"; do
    [[ $n == cn-* ]] || die "refusing to touch '$n': not a cn- name"
    (( ${#n} <= 15 )) || die "name '$n' is longer than 15 characters"
  done
}

need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "missing command '$c' (apt-get install -y iproute2 ethtool)"
  done
}

ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

nsx() { local ns=$1; shift; guard "$ns"; ip netns exec "$ns" "$@"; }

offloads_off() { # ns dev
  nsx "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

down() {
  local spec ns
  for spec in "${PODS[@]}"; do
    ns=${spec%%:*}
    guard "$ns"
    if ns_exists "$ns"; then ip netns del "$ns"; fi
  done
  for ns in "${NODES[@]}"; do
    guard "$ns"
    if ns_exists "$ns"; then ip netns del "$ns"; fi
  done
}

node_setup() { # node bridge_address
  local node=$1 gw=$2
  guard "$node"
  ip netns add "$node"
  nsx "$node" ip link set lo up
  nsx "$node" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  nsx "$node" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  nsx "$node" ip link add cn-br0 type bridge
  nsx "$node" ip addr add "$gw" dev cn-br0
  nsx "$node" ip link set cn-br0 up
}

pod_setup() { # spec
  local ns node addr veth gw
  IFS=: read -r ns node addr veth <<<"$1"
  guard "$ns" "$node" "$veth"
  gw=${addr%.*}.1
  ip netns add "$ns"
  nsx "$ns" ip link set lo up
  nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  nsx "$node" ip link add "$veth" type veth peer name eth0 netns "$ns"
  nsx "$node" ip link set "$veth" master cn-br0 up
  nsx "$ns" ip addr add "$addr/24" dev eth0
  nsx "$ns" ip link set eth0 up
  nsx "$ns" ip route add default via "$gw"
  offloads_off "$node" "$veth"
  offloads_off "$ns" eth0
}

vxlan_setup() { # node local_ul remote_ul my_mac remote_mac my_vtep remote_vtep remote_cidr
  local node=$1 lul=$2 rul=$3 mac=$4 rmac=$5 vtep=$6 rvtep=$7 rcidr=$8
  guard "$node"
  nsx "$node" ip link add cn-vx0 address "$mac" type vxlan id 1 dstport 8472 local "$lul" dev cn-ul0 nolearning
  nsx "$node" ip addr add "$vtep/32" dev cn-vx0
  nsx "$node" ip link set cn-vx0 up
  nsx "$node" ip neigh replace "$rvtep" lladdr "$rmac" dev cn-vx0 nud permanent
  nsx "$node" bridge fdb append "$rmac" dev cn-vx0 dst "$rul"
  nsx "$node" ip route replace "$rcidr" via "$rvtep" dev cn-vx0 onlink
  offloads_off "$node" cn-vx0
}

up() {
  need ip ethtool bridge
  down
  node_setup cn-nodeA 10.244.1.1/24
  node_setup cn-nodeB 10.244.2.1/24
  local spec
  for spec in "${PODS[@]}"; do pod_setup "$spec"; done
  # underlay: one veth between the two node namespaces
  nsx cn-nodeA ip link add cn-ul0 type veth peer name cn-ul0 netns cn-nodeB
  nsx cn-nodeA ip addr add 192.168.56.10/24 dev cn-ul0
  nsx cn-nodeB ip addr add 192.168.56.11/24 dev cn-ul0
  nsx cn-nodeA ip link set cn-ul0 up
  nsx cn-nodeB ip link set cn-ul0 up
  offloads_off cn-nodeA cn-ul0
  offloads_off cn-nodeB cn-ul0
  vxlan_setup cn-nodeA 192.168.56.10 192.168.56.11 $VTEP_MAC_A $VTEP_MAC_B 10.244.1.0 10.244.2.0 10.244.2.0/24
  vxlan_setup cn-nodeB 192.168.56.11 192.168.56.10 $VTEP_MAC_B $VTEP_MAC_A 10.244.2.0 10.244.1.0 10.244.1.0/24
  # prove it: same node and across the overlay
  nsx cn-a-client ping -q -c 1 -W 2 10.244.1.10 >/dev/null || die "same-node ping failed"
  nsx cn-a-client ping -q -c 1 -W 2 10.244.2.10 >/dev/null || die "cross-node ping over cn-vx0 failed"
  echo "lab up: nodes ${NODES[*]}, ${#PODS[@]} pods, VXLAN cn-vx0 VNI 1 on UDP 8472"
}

status() {
  local ns ok=0
  for ns in "${NODES[@]}"; do
    if ns_exists "$ns"; then
      echo "== $ns"
      nsx "$ns" ip -br addr
    else
      echo "== $ns: absent"; ok=1
    fi
  done
  if ns_exists cn-a-client && ns_exists cn-nodeB; then
    nsx cn-a-client ping -q -c 1 -W 1 10.244.1.10 >/dev/null && echo "same-node ping ok" || { echo "same-node ping FAILED"; ok=1; }
    nsx cn-a-client ping -q -c 1 -W 1 10.244.2.10 >/dev/null && echo "cross-node ping ok" || { echo "cross-node ping FAILED"; ok=1; }
  fi
  return $ok
}

[[ $(id -u) == 0 ]] || die "must run as root (network namespaces)"
case "${1:-}" in
  up) up ;;
  down) down; echo "lab down" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
