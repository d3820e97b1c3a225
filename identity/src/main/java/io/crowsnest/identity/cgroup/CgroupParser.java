package io.crowsnest.identity.cgroup;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a container id, runtime and pod UID from the contents of {@code /proc/<pid>/cgroup}.
 *
 * <p>Each line is {@code hierarchy-id:controllers:path} (cgroup v1: one line per hierarchy; v2: the single
 * {@code 0::path} line; hybrid hosts have both). The path is split on {@code /} and every segment is matched;
 * the deepest segment naming a container wins (docker-in-docker gives the inner container). Recognised:
 * <ul>
 *   <li>docker, cgroupfs driver: {@code /docker/<id>}; systemd driver: {@code /system.slice/docker-<id>.scope}</li>
 *   <li>containerd CRI, systemd driver: {@code .../kubepods-<qos>-pod<uid_>.slice/cri-containerd-<id>.scope};
 *       the kind/k3s form {@code /system.slice/containerd.service/kubepods-...slice:cri-containerd:<id>}</li>
 *   <li>cri-o: {@code crio-<id>.scope} ({@code crio-conmon-<id>.scope} is the monitor, not the container)</li>
 *   <li>podman: {@code libpod-<id>.scope}, {@code /libpod_parent/libpod-<id>}</li>
 *   <li>any CRI runtime under the kubelet's cgroupfs driver: {@code /kubepods/<qos>/pod<uid>/<id>}</li>
 * </ul>
 * Pod UIDs come from {@code pod<uid>} segments; the systemd driver writes them with {@code _} for {@code -}
 * ({@code kubepods-besteffort-pod1b2c..._....slice}), which is undone here. A path read inside a private cgroup
 * namespace (just {@code /}) names nothing: read {@code /proc} from the host's cgroup namespace.
 */
public final class CgroupParser {

    private static final String ID = "([0-9a-f]{64})";
    private static final Pattern DOCKER_SCOPE = Pattern.compile("docker-" + ID + "\\.scope");
    private static final Pattern CRI_CONTAINERD_SCOPE = Pattern.compile("cri-containerd-" + ID + "\\.scope");
    private static final Pattern CRIO_SCOPE = Pattern.compile("crio-" + ID + "\\.scope");
    private static final Pattern LIBPOD_SCOPE = Pattern.compile("libpod-" + ID + "(?:\\.scope)?");
    /** {@code kubepods-besteffort-pod<uid>.slice:cri-containerd:<id>} (containerd with systemd cgroups, kind, k3s). */
    private static final Pattern COLON_FORM = Pattern.compile(".*:(cri-containerd|docker|crio):" + ID);
    private static final Pattern BARE_ID = Pattern.compile(ID);
    private static final Pattern POD_UID = Pattern.compile(
            "pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})(?:\\.slice)?");
    private static final Pattern QOS = Pattern.compile("(?:^|-)(besteffort|burstable)(?:$|[-.])");

    private CgroupParser() {
    }

    /** Parses a whole {@code /proc/<pid>/cgroup} file; empty when no line names a container or pod. */
    public static Optional<CgroupInfo> parse(String procCgroup) {
        CgroupInfo best = null;
        for (String line : procCgroup.split("\n")) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int c1 = line.indexOf(':');
            int c2 = c1 < 0 ? -1 : line.indexOf(':', c1 + 1);
            String path = c2 < 0 ? line : line.substring(c2 + 1);
            Optional<CgroupInfo> info = parsePath(path);
            if (info.isEmpty()) {
                continue;
            }
            CgroupInfo i = info.get();
            if (best == null || (best.containerId() == null && i.containerId() != null)
                    || (best.podUid() == null && i.podUid() != null && sameOrNull(best.containerId(), i.containerId()))) {
                best = i;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean sameOrNull(String a, String b) {
        return a == null || a.equals(b);
    }

    /** Parses one cgroup path (the part after the second colon). */
    public static Optional<CgroupInfo> parsePath(String path) {
        String id = null;
        ContainerRuntime runtime = null;
        String podUid = null;
        String qos = null;
        boolean underKubepods = false;
        String parent = "";
        for (String seg : path.toLowerCase(Locale.ROOT).split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (seg.startsWith("kubepods")) {
                underKubepods = true;
            }
            Matcher q = QOS.matcher(seg);
            if (underKubepods && (seg.equals("besteffort") || seg.equals("burstable") || q.find())) {
                qos = seg.equals("besteffort") || seg.equals("burstable") ? seg : q.group(1);
            }
            Matcher m;
            String podPart = seg;
            if ((m = COLON_FORM.matcher(seg)).matches()) {
                id = m.group(2);
                runtime = runtimeOf(m.group(1));
                podPart = seg.substring(0, seg.indexOf(':'));
            }
            Matcher pm = POD_UID.matcher(podPart);
            if (pm.find() && underKubepods) {
                podUid = canonicalUid(pm.group(1));
                if (qos == null) {
                    qos = "guaranteed"; // guaranteed pods sit directly under kubepods
                }
            }
            if ((m = DOCKER_SCOPE.matcher(seg)).matches()) {
                id = m.group(1);
                runtime = ContainerRuntime.DOCKER;
            } else if ((m = CRI_CONTAINERD_SCOPE.matcher(seg)).matches()) {
                id = m.group(1);
                runtime = ContainerRuntime.CONTAINERD;
            } else if ((m = CRIO_SCOPE.matcher(seg)).matches()) {
                id = m.group(1);
                runtime = ContainerRuntime.CRIO;
            } else if ((m = LIBPOD_SCOPE.matcher(seg)).matches()) {
                id = m.group(1);
                runtime = ContainerRuntime.PODMAN;
            } else if (BARE_ID.matcher(seg).matches()) {
                id = seg;
                if (parent.equals("docker")) {
                    runtime = ContainerRuntime.DOCKER;
                } else if (parent.equals("crio")) {
                    runtime = ContainerRuntime.CRIO;
                } else if (parent.startsWith("pod") && underKubepods) {
                    runtime = ContainerRuntime.KUBERNETES_CGROUPFS;
                } else if (runtime == null) {
                    runtime = ContainerRuntime.DOCKER; // docker --cgroup-parent=/x/<id>: docker names the leaf by id
                }
            }
            parent = seg;
        }
        if (id == null && podUid == null) {
            return Optional.empty();
        }
        if (podUid == null) {
            qos = null;
        }
        return Optional.of(new CgroupInfo(id, id == null ? null : runtime, podUid, qos, path));
    }

    private static ContainerRuntime runtimeOf(String s) {
        switch (s) {
            case "docker":
                return ContainerRuntime.DOCKER;
            case "crio":
                return ContainerRuntime.CRIO;
            default:
                return ContainerRuntime.CONTAINERD;
        }
    }

    /** {@code 1b2c3d4e_...} or {@code 1b2c3d4e-...} to the dashed form; 32-hex static-pod hashes unchanged. */
    static String canonicalUid(String raw) {
        return raw.replace('_', '-');
    }
}
