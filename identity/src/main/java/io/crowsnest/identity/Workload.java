package io.crowsnest.identity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/**
 * Who held an address: the EVE {@code src_workload}/{@code dest_workload} object. Facts not known are null and are
 * omitted from JSON.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Workload(
        @JsonProperty("kind") Kind kind,
        @JsonProperty("namespace") String namespace,
        @JsonProperty("pod") String pod,
        @JsonProperty("container") String container,
        @JsonProperty("container_id") String containerId,
        @JsonProperty("image") String image,
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("node") String node,
        @JsonProperty("owner") String owner,
        @JsonProperty("service_account") String serviceAccount) {

    @JsonCreator
    public Workload {
        labels = labels == null || labels.isEmpty() ? null : Map.copyOf(labels);
    }

    /** A workload without a service account (containers, hosts, and every source but Kubernetes). */
    public Workload(Kind kind, String namespace, String pod, String container, String containerId, String image,
            Map<String, String> labels, String node, String owner) {
        this(kind, namespace, pod, container, containerId, image, labels, node, owner, null);
    }

    public enum Kind {
        POD, CONTAINER, HOST, EXTERNAL;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind of(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    public static Workload host(String node) {
        return new Workload(Kind.HOST, null, null, null, null, null, null, node, null);
    }

    public static Workload container(String containerId, String name, String image, Map<String, String> labels,
            String node) {
        return new Workload(Kind.CONTAINER, null, null, name, containerId, image, labels, node, null);
    }
}
