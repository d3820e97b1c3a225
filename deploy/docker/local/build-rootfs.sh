#!/usr/bin/env bash
# Assembles a FROM-scratch image context for the sensor from this machine's files, for places where no
# image registry is reachable (CI here): the same jlink'ed runtime as deploy/docker/Dockerfile, the
# shaded jar, libpcap and every shared library they need (found with ldd), iproute2's `ip` for
# `--interfaces auto`, a crowsnest user (uid 10001); the image's RUN gives java its file capabilities
# (as in the Dockerfile).
#
#   deploy/docker/local/build-rootfs.sh JAR OUTDIR      (root, for setcap)
#
# Then: docker build -f deploy/docker/local/Dockerfile OUTDIR
# Debian packages: openjdk-17-jdk-headless (jlink + jmods), libpcap0.8, iproute2, libcap2-bin, unzip.
set -euo pipefail
jar=$(readlink -f "${1:?usage: build-rootfs.sh JAR OUTDIR}")
out=${2:?usage: build-rootfs.sh JAR OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
root="$out/rootfs"
rm -rf "$out"
mkdir -p "$root"/{opt/crowsnest,etc/ld.so.conf.d,tmp,var/lib/crowsnest,etc/crowsnest/rules,usr/bin}
chmod 1777 "$root/tmp"

# the same module list as the Dockerfile (deploy/check.sh keeps that one honest against jdeps)
modules=$(sed -n 's/^RUN jlink --add-modules \([^ ]*\).*/\1/p' "$here/../Dockerfile")
[ -n "$modules" ] || { echo "build-rootfs.sh: no jlink module list in the Dockerfile" >&2; exit 1; }
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
      --output "$root/opt/crowsnest/jre"
cp "$jar" "$root/opt/crowsnest/crowsnest.jar"
cp /usr/bin/ip "$root/usr/bin/ip"

# every shared library java, its own libraries, libpcap and ip load, with the paths ldd resolves
copy_libs() {
    ldd "$1" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | while read -r lib; do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}
pcap=$(ldconfig -p | awk '/libpcap.so.0.8 \(libc6,x86-64\)/ {print $NF; exit}')
[ -n "$pcap" ] || { echo "build-rootfs.sh: libpcap0.8 is not installed" >&2; exit 1; }
mkdir -p "$root$(dirname "$pcap")"
cp -L "$pcap" "$root$pcap"
# setcap runs once at build time (RUN in exec form: the image has no shell): `docker build` does not
# carry the security.capability xattr of copied files into the layer
mkdir -p "$root/usr/sbin"
cp /usr/sbin/setcap "$root/usr/sbin/setcap"
# the native libraries the jar unpacks at run time (Netty's epoll, JNA's dispatch, JavaCPP's Hyperscan
# binding for --mpm-algo hs: libstdc++, libgcc_s, libm, libpthread) need theirs too
natives="$out/natives"
mkdir -p "$natives"
(cd "$natives" && unzip -q -o "$jar" 'META-INF/native/*x86_64*.so' \
    'com/sun/jna/linux-x86-64/*.so' 'org/bytedeco/*/linux-x86_64/*.so' 2>/dev/null || true)
for f in $(find "$natives" -name '*.so'); do
    copy_libs "$f"
done
rm -rf "$natives"
for f in "$root/opt/crowsnest/jre/bin/java" "$root"/opt/crowsnest/jre/lib/*.so "$root"/opt/crowsnest/jre/lib/server/*.so "$pcap" /usr/bin/ip /usr/sbin/setcap; do
    copy_libs "$f"
done
# the dynamic loader finds the runtime's own libraries through ld.so.cache (file capabilities put
# java in secure-execution mode, where $ORIGIN-relative paths are ignored)
echo /opt/crowsnest/jre/lib > "$root/etc/ld.so.conf.d/crowsnest-jre.conf"
echo "include /etc/ld.so.conf.d/*.conf" > "$root/etc/ld.so.conf"
ldconfig -r "$root"

printf 'root:x:0:0:root:/root:/sbin/nologin\ncrowsnest:x:10001:10001:crowsnest:/var/lib/crowsnest:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\ncrowsnest:x:10001:\n' > "$root/etc/group"
chown 10001:10001 "$root/var/lib/crowsnest"
cp "$here/Dockerfile" "$out/Dockerfile"
echo "build-rootfs.sh: $(du -sh "$root" | cut -f1) in $root"
