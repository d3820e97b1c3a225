#!/usr/bin/env bash
# Validates the packaging in deploy/ with what installs here (CI runs it through the deploy module's
# ManifestsTest, i.e. `bin/test`):
#   1. systemd: `systemd-analyze verify` on crowsnest.service must print nothing on stderr
#   2. logrotate: `logrotate --debug` parses crowsnest.logrotate without errors
#   3. Kubernetes: every object in kubernetes/ and in the Helm chart rendered by validate/render.mjs
#      is validated against the Kubernetes JSON schemas (npm package kubernetes-models), plus
#      references between objects, security settings, and chart == plain manifests
#   4. Dockerfile: the jlink module list covers `jdeps --print-module-deps` of the shaded jar
#      (when sensor/target/crowsnest.jar exists), and the image's must-haves are present
# Missing tools are installed when running as root (apt-get: systemd, logrotate, nodejs, npm; npm
# packages into deploy/target/validate, pinned by validate/package-lock.json).
# Exit status: 0 all passed, 1 a check failed, 2 a tool could not be installed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
mkdir -p "$target"
failed=()
pass() { echo "check.sh: PASS $*"; }
failc() { echo "check.sh: FAIL $*" >&2; failed+=("$1"); }

# ---- tools -------------------------------------------------------------------------------------
need=()
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v logrotate >/dev/null 2>&1 || need+=(logrotate)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "check.sh: installing ${need[*]}" >&2
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$target/apt.log" 2>&1; then
            echo "check.sh: apt-get install ${need[*]} failed (log: $target/apt.log):" >&2
            tail -20 "$target/apt.log" >&2
            exit 2
        fi
    else
        echo "check.sh: these packages are needed: ${need[*]} (run as root, or: sudo apt-get install -y ${need[*]})" >&2
        exit 2
    fi
fi

# ---- 1. systemd unit ---------------------------------------------------------------------------
# `systemd-analyze verify` fails when ExecStart's binary does not exist, and `--root` does not help
# (it then cannot find the unit's dependencies). So the unit is copied to a temp dir with ExecStart
# pointed at a stub executable there - same arguments, every other line as shipped.
tmp="$(mktemp -d "$target/systemd.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
unit="$here/systemd/crowsnest.service"
if ! grep -q '^ExecStart=/opt/crowsnest/bin/crowsnest live --interfaces auto --out /var/lib/crowsnest$' "$unit"; then
    failc systemd "ExecStart of $unit is not '/opt/crowsnest/bin/crowsnest live --interfaces auto --out /var/lib/crowsnest'"
fi
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/crowsnest"
chmod 755 "$tmp/bin/crowsnest"
sed "s|^ExecStart=/opt/crowsnest/bin/crowsnest|ExecStart=$tmp/bin/crowsnest|" "$unit" >"$tmp/crowsnest.service"
(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify ./crowsnest.service) >"$tmp/verify.out" 2>"$tmp/verify.err"
rc=$?
if [ $rc -ne 0 ] || [ -s "$tmp/verify.err" ]; then
    failc systemd "systemd-analyze verify crowsnest.service (exit $rc) printed:"
    sed 's/^/    /' "$tmp/verify.err" "$tmp/verify.out" >&2
else
    pass "systemd: systemd-analyze verify crowsnest.service (empty stderr)"
fi
for key in 'AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN' 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' \
           'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
           'ReadWritePaths=/var/lib/crowsnest /var/log/crowsnest' 'StateDirectory=crowsnest' 'Restart=on-failure' \
           'KillSignal=SIGTERM' 'TimeoutStopSec=10' 'MemoryDenyWriteExecute=no' 'User=crowsnest'; do
    grep -qxF "$key" "$unit" || failc systemd "crowsnest.service lacks the line '$key'"
done
sh -n "$here/systemd/crowsnest" || failc systemd "launcher deploy/systemd/crowsnest has a syntax error"
[ -x "$here/systemd/crowsnest" ] || failc systemd "launcher deploy/systemd/crowsnest is not executable"

# ---- 2. logrotate ------------------------------------------------------------------------------
# --debug parses and dry-runs; the `su` and `create` owners are swapped for the current user
# (there is no crowsnest user here)
me="$(id -un)"; mygroup="$(id -gn)"
sed -e "s|^\( *su \).*|\1$me $mygroup|" -e "s|^\( *create [0-7]* \).*|\1$me $mygroup|" \
    "$here/systemd/crowsnest.logrotate" >"$tmp/crowsnest.logrotate"
if logrotate --debug --state "$tmp/logrotate.state" "$tmp/crowsnest.logrotate" >"$tmp/logrotate.out" 2>&1 \
   && ! grep -qiE '^error|: error' "$tmp/logrotate.out"; then
    pass "logrotate: crowsnest.logrotate parses (logrotate --debug)"
else
    failc logrotate "logrotate --debug crowsnest.logrotate:"
    sed 's/^/    /' "$tmp/logrotate.out" >&2
fi
# the sensor reopens eve.json on SIGHUP: logrotate must move the file and signal, not copy-truncate
grep -q 'kill --signal=SIGHUP' "$here/systemd/crowsnest.logrotate" || failc logrotate "postrotate SIGHUP missing (the sensor reopens eve.json on SIGHUP)"
! grep -q '^ *copytruncate' "$here/systemd/crowsnest.logrotate" || failc logrotate "copytruncate can lose lines: the sensor reopens on SIGHUP"

# ---- 3. Kubernetes manifests and Helm chart ----------------------------------------------------
v="$target/validate"
mkdir -p "$v"
cp "$here/validate/package.json" "$here/validate/package-lock.json" "$here/validate/"*.mjs "$here/validate/"*.yaml "$v/"
if [ ! -d "$v/node_modules/kubernetes-models" ] || ! cmp -s "$here/validate/package-lock.json" "$v/node_modules/.package-lock.stamp"; then
    echo "check.sh: npm ci in $v (kubernetes-models, yaml)" >&2
    if (cd "$v" && npm ci --no-audit --no-fund --loglevel=error) >"$target/npm.log" 2>&1; then
        cp "$here/validate/package-lock.json" "$v/node_modules/.package-lock.stamp"
    else
        echo "check.sh: npm ci failed (log: $target/npm.log):" >&2
        tail -20 "$target/npm.log" >&2
        exit 2
    fi
fi
if node "$v/validate.mjs" "$here"; then
    pass "kubernetes: deploy/kubernetes and the rendered Helm chart"
else
    failc kubernetes "schema/policy validation (see above)"
fi

# ---- 4. Dockerfile -----------------------------------------------------------------------------
df="$here/docker/Dockerfile"
modules="$(grep -oE -- '--add-modules [a-z.,]+' "$df" | head -1 | cut -d' ' -f2)"
[ -n "$modules" ] || failc docker "no jlink --add-modules line in $df"
for pattern in '^FROM .* AS build$' '^USER 10001' 'setcap cap_net_raw,cap_net_admin\+eip /opt/crowsnest/jre/bin/java' \
               'libpcap0\.8' 'iproute2' '/etc/ld\.so\.conf\.d/' \
               '^ENTRYPOINT \["/opt/crowsnest/jre/bin/java", "-jar", "/opt/crowsnest/crowsnest\.jar"\]$' \
               '^CMD \["live", "--interfaces", "auto", "--out", "/var/lib/crowsnest"\]$'; do
    grep -qE -- "$pattern" "$df" || failc docker "Dockerfile lacks /$pattern/"
done
jar="$root/sensor/target/crowsnest.jar"
if [ -f "$jar" ] && command -v jdeps >/dev/null 2>&1; then
    # java.desktop: only JNA's AWT helpers refer to it, never called (see the Dockerfile)
    deps="$(jdeps --ignore-missing-deps --multi-release 17 --print-module-deps "$jar" 2>"$tmp/jdeps.err")"
    if [ -z "$deps" ]; then
        failc docker "jdeps printed no modules for $jar:"; sed 's/^/    /' "$tmp/jdeps.err" >&2
    else
        missing=()
        for m in ${deps//,/ }; do
            [ "$m" = java.desktop ] && continue
            [[ ",$modules," == *",$m,"* ]] || missing+=("$m")
        done
        if [ ${#missing[@]} -gt 0 ]; then
            failc docker "jlink --add-modules lacks ${missing[*]} (jdeps on $jar: $deps)"
        else
            pass "docker: jlink modules ($modules) cover jdeps of crowsnest.jar ($deps)"
        fi
    fi
else
    echo "check.sh: skip jdeps check (no $jar; build it with: mvn -DskipTests -pl sensor -am package)" >&2
fi

# ---- summary -----------------------------------------------------------------------------------
if [ ${#failed[@]} -gt 0 ]; then
    echo "check.sh: FAILED (${#failed[@]} problem(s)): ${failed[*]}" >&2
    exit 1
fi
echo "check.sh: all deploy checks passed"
