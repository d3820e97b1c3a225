package io.crowsnest.identity.containerd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a task's OCI runtime spec ({@code <state>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json}) says
 * about the container: the annotations that name it and the cgroup it was put in. Only the annotations below are
 * kept (a spec's full annotation map can be large and is mostly runtime bookkeeping).
 *
 * <p>containerd's CRI plugin writes, on every sandbox and container of a pod:
 * {@code io.kubernetes.cri.container-type} ({@code sandbox} or {@code container}), {@code io.kubernetes.cri.sandbox-id},
 * {@code io.kubernetes.cri.sandbox-name} (the pod), {@code io.kubernetes.cri.sandbox-namespace},
 * {@code io.kubernetes.cri.sandbox-uid}; on containers also {@code io.kubernetes.cri.container-name} and
 * {@code io.kubernetes.cri.image-name}. nerdctl copies its {@code nerdctl/name} label into the annotations.
 *
 * @param namespace   the containerd namespace ({@code k8s.io} for the CRI, {@code default}, {@code moby}, ...)
 * @param id          the containerd container id (the CRI's 64-hex ids; any name for {@code ctr})
 * @param annotations the recognised annotations, by key
 * @param cgroupsPath {@code linux.cgroupsPath}, or "" when none was set
 */
public record OciBundle(String namespace, String id, Map<String, String> annotations, String cgroupsPath) {

    public static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    public static final String SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    public static final String SANDBOX_NAME = "io.kubernetes.cri.sandbox-name";
    public static final String SANDBOX_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";
    public static final String SANDBOX_UID = "io.kubernetes.cri.sandbox-uid";
    public static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";
    public static final String IMAGE_NAME = "io.kubernetes.cri.image-name";
    public static final String NERDCTL_NAME = "nerdctl/name";
    private static final String[] KEPT = {CONTAINER_TYPE, SANDBOX_ID, SANDBOX_NAME, SANDBOX_NAMESPACE, SANDBOX_UID,
        CONTAINER_NAME, IMAGE_NAME, NERDCTL_NAME};
    private static final ObjectMapper JSON = new ObjectMapper();

    public OciBundle {
        annotations = Map.copyOf(annotations);
    }

    /** Parses a spec; {@code where} names the file in the error when it is not a JSON object. */
    public static OciBundle parse(String namespace, String id, byte[] configJson, String where) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(configJson);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new IOException(where + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": not an OCI runtime spec: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(where + ": not an OCI runtime spec: expected a JSON object");
        }
        Map<String, String> kept = new LinkedHashMap<>();
        JsonNode a = root.path("annotations");
        for (String k : KEPT) {
            JsonNode v = a.get(k);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                kept.put(k, v.asText());
            }
        }
        return new OciBundle(namespace, id, kept, root.path("linux").path("cgroupsPath").asText(""));
    }

    /** A container of a Kubernetes pod (or its sandbox), by the CRI annotations. */
    public boolean isCri() {
        return annotations.containsKey(SANDBOX_NAME) && annotations.containsKey(CONTAINER_TYPE);
    }

    /** The pod's sandbox ("pause") container. */
    public boolean isSandbox() {
        return "sandbox".equals(annotations.get(CONTAINER_TYPE));
    }

    /** The sandbox this container belongs to: the annotation, or its own id for a sandbox. */
    public String sandboxId() {
        String s = annotations.get(SANDBOX_ID);
        return s != null ? s : isSandbox() ? id : null;
    }

    public String annotation(String key) {
        return annotations.get(key);
    }
}
