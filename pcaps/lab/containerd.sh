#!/usr/bin/env bash
# An isolated containerd for the containerd identity tests (root). Never touches the system's
# containerd: its root, state and socket live under DIR, which must be /tmp/cn-ctd-*.
#
#   pcaps/lab/containerd.sh up DIR [cri]
#                                      start it, import a FROM-scratch busybox image
#                                      (docker.io/cn-ctd/busybox:1, entrypoint /bin/busybox, /www for
#                                      httpd) into the containerd namespaces k8s.io and cn-ctd, and make
#                                      the bridge cn-ctdbr0 with two network namespaces on it:
#                                        cn-ctd-a  10.231.0.10/24  (veth cn-ctd-a-h)
#                                        cn-ctd-b  10.231.0.20/24  (veth cn-ctd-b-h)
#                                      with "cri", also containerd's CRI plugin, so that real pod sandboxes
#                                      run without a kubelet (RunPodSandbox etc. on DIR/containerd.sock):
#                                      sandbox image = the busybox image, network namespaces under DIR,
#                                      and one CNI network made of Debian's plugins (containernetworking-
#                                      plugins): host-device moves the prepared veth end cn-ctd-p1c into
#                                      the pod as eth0 (its peer cn-ctd-p1 is a port of cn-ctdbr0) and the
#                                      static IPAM gives it 10.231.0.30/24 - one pod at a time; the
#                                      reference bridge plugin would name host veths at random, outside
#                                      the cn-ctd prefix
#   pcaps/lab/containerd.sh down DIR   delete its tasks and containers, stop it and its shims, unmount
#                                      what it mounted, remove the namespaces, the bridge, the cgroups
#                                      under /cn-ctd and DIR (safe to run twice, or after a failed up)
#
# Containers are then started with ctr, e.g. in the pod-shaped way the CRI would:
#   ctr -a DIR/containerd.sock -n k8s.io run -d --with-ns network:/var/run/netns/cn-ctd-a \
#     --cgroup /cn-ctd/kubepods/besteffort/pod<uid>/<id> --annotation io.kubernetes.cri.sandbox-name=... \
#     docker.io/cn-ctd/busybox:1 <id> /bin/busybox sleep 3600
# cgroups go under /cn-ctd (the tests' --cgroup paths; ctr's default for namespace cn-ctd), so they
# can be removed as a whole (give the CRI the cgroup parent /cn-ctd/kubepods/...). Without "cri" the CRI
# plugin is disabled: tasks come from ctr only.
#
# Debian packages: containerd (ctr, runc), busybox-static, iproute2; with cri: containernetworking-plugins.
set -euo pipefail
cmd=${1:?usage: containerd.sh up|down DIR [cri]}
dir=${2:?usage: containerd.sh up|down DIR [cri]}
mode=${3:-ctr}
case "$dir" in
  /tmp/cn-ctd-*) ;;
  *) echo "containerd.sh: DIR must be /tmp/cn-ctd-* (it is removed by down), got $dir" >&2; exit 2 ;;
esac
sock=$dir/containerd.sock
bridge=cn-ctdbr0
namespaces=(k8s.io cn-ctd)
image=docker.io/cn-ctd/busybox:1

ctr_() { ctr -a "$sock" "$@"; }

up() {
  for c in containerd ctr runc ip; do
    command -v "$c" >/dev/null || { echo "containerd.sh: $c missing (apt-get install -y containerd iproute2)" >&2; exit 1; }
  done
  [ -x /bin/busybox ] || { echo "containerd.sh: /bin/busybox missing (apt-get install -y busybox-static)" >&2; exit 1; }
  mkdir -p "$dir/root" "$dir/state" "$dir/image/rootfs/bin" "$dir/image/rootfs/www"
  if [ "$mode" = cri ]; then
    for p in host-device static loopback; do
      [ -x "/usr/lib/cni/$p" ] || { echo "containerd.sh: /usr/lib/cni/$p missing (apt-get install -y containernetworking-plugins)" >&2; exit 1; }
    done
    mkdir -p "$dir/cni"
    # restrict_oom_score_adj: the CRI would otherwise set a pod's oom_score_adj below this (unprivileged) host's own
    cat > "$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$sock"
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  sandbox_image = "$image"
  netns_mounts_under_state_dir = true
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni"
EOF
    cat > "$dir/cni/10-cn-ctd.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "cn-ctd", "plugins": [{"type": "host-device", "device": "cn-ctd-p1c",
  "ipam": {"type": "static", "addresses": [{"address": "10.231.0.30/24"}]}}]}
EOF
  else
    cat > "$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
EOF
  fi
  setsid containerd --config "$dir/config.toml" > "$dir/containerd.log" 2>&1 < /dev/null &
  echo $! > "$dir/containerd.pid"
  for _ in $(seq 1 300); do
    ctr_ version > /dev/null 2>&1 && break
    sleep 0.1
  done
  ctr_ version > /dev/null || { echo "containerd.sh: containerd did not come up:" >&2; cat "$dir/containerd.log" >&2; exit 1; }

  # a docker-archive image FROM scratch: one layer with the static busybox and a web root
  local img=$dir/image
  cp /bin/busybox "$img/rootfs/bin/busybox"
  echo '<h1>cn-ctd web</h1>' > "$img/rootfs/www/index.html"
  tar -C "$img/rootfs" --owner=0 --group=0 --numeric-owner -cf "$img/layer.tar" bin www
  local diff
  diff=sha256:$(sha256sum "$img/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/busybox"],"Cmd":["sleep","3600"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}\n' \
    "$diff" > "$img/config.json"
  echo '[{"Config":"config.json","RepoTags":["cn-ctd/busybox:1"],"Layers":["layer.tar"]}]' > "$img/manifest.json"
  tar -C "$img" -cf "$img/busybox.tar" config.json manifest.json layer.tar
  for ns in "${namespaces[@]}"; do
    ctr_ -n "$ns" images import "$img/busybox.tar" > /dev/null
    ctr_ -n "$ns" images check "name==$image" | grep -q complete
  done

  ip link add "$bridge" type bridge
  sysctl -qw "net.ipv6.conf.$bridge.disable_ipv6=1"
  ip link set "$bridge" up
  local n addr
  for spec in a:10.231.0.10/24 b:10.231.0.20/24; do
    n=${spec%%:*}
    addr=${spec#*:}
    ip netns add "cn-ctd-$n"
    ip netns exec "cn-ctd-$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link add "cn-ctd-$n-h" type veth peer name eth0 netns "cn-ctd-$n"
    sysctl -qw "net.ipv6.conf.cn-ctd-$n-h.disable_ipv6=1"
    ip link set "cn-ctd-$n-h" master "$bridge" up
    ip -n "cn-ctd-$n" addr add "$addr" dev eth0
    ip -n "cn-ctd-$n" link set lo up
    ip -n "cn-ctd-$n" link set eth0 up
  done
  if [ "$mode" = cri ]; then
    ip link add cn-ctd-p1 type veth peer name cn-ctd-p1c
    sysctl -qw net.ipv6.conf.cn-ctd-p1.disable_ipv6=1 net.ipv6.conf.cn-ctd-p1c.disable_ipv6=1
    ip link set cn-ctd-p1 master "$bridge" up
  fi
}

down() {
  set +e
  local pid ids=()
  pid=$(cat "$dir/containerd.pid" 2>/dev/null)
  if [ -n "$pid" ] && [ -e "$sock" ] && ctr_ version > /dev/null 2>&1; then
    mapfile -t ids < <(ctr_ -n k8s.io containers ls -q 2>/dev/null)
    for ns in "${namespaces[@]}"; do
      for c in $(ctr_ -n "$ns" tasks ls -q 2>/dev/null); do
        ctr_ -n "$ns" tasks kill -s SIGKILL "$c" > /dev/null 2>&1
      done
      for c in $(ctr_ -n "$ns" tasks ls -q 2>/dev/null); do
        ctr_ -n "$ns" tasks delete -f "$c" > /dev/null 2>&1
      done
      for c in $(ctr_ -n "$ns" containers ls -q 2>/dev/null); do
        ctr_ -n "$ns" containers delete "$c" > /dev/null 2>&1
      done
    done
  fi
  # containerd itself (the pid it was started with, if that is still our containerd), then any shim
  # still serving a task of ours: the runc v2 shims outlive containerd by design
  if [ -n "$pid" ] && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "--config $dir/config.toml"; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    [ -e "/proc/$pid" ] && kill -KILL "$pid"
  fi
  for p in /proc/[0-9]*; do
    if { tr '\0' '\n' < "$p/cmdline"; } 2>/dev/null | grep -qxF -- "$sock"; then
      kill -KILL "${p#/proc/}" 2>/dev/null
    fi
  done
  # mounts under DIR (task rootfs overlays), deepest first
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  for n in a b; do
    ip netns list | grep -qw "cn-ctd-$n" && ip netns del "cn-ctd-$n"
  done
  ip link show cn-ctd-p1 > /dev/null 2>&1 && ip link del cn-ctd-p1 # its peer goes with it (or with the pod)
  # libcni's cache of pods not removed through the CRI (their network and loopback attachments)
  for id in "${ids[@]}"; do
    [ -n "$id" ] && rm -f "/var/lib/cni/results/cn-ctd-$id-"* "/var/lib/cni/results/cni-loopback-$id-"*
  done
  ip link show "$bridge" > /dev/null 2>&1 && ip link del "$bridge"
  for cg in /sys/fs/cgroup/*/cn-ctd /sys/fs/cgroup/cn-ctd; do
    [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$dir"
  return 0
}

case "$cmd" in
  up)
    case "$mode" in ctr|cri) ;; *) echo "usage: containerd.sh up DIR [cri]" >&2; exit 2 ;; esac
    up ;;
  down) down ;;
  *) echo "usage: containerd.sh up|down DIR" >&2; exit 2 ;;
esac
