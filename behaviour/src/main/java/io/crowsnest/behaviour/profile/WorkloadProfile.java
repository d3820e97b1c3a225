package io.crowsnest.behaviour.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One workload's normal: the ports it serves, the edges it uses in each direction ("PEER tcp/PORT"),
 * app protocols, DNS names it resolves, edges with a regular rhythm (health checks, pollers), request
 * and byte rates per minute, and per endpoint the downstream work each request causes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"serves", "talks_to", "heard_from", "app_protos", "dns_names", "periodic",
        "requests_per_min", "bytes_out_per_min", "bytes_in_per_min", "endpoints"})
public final class WorkloadProfile {
    /** "tcp/8080" for each port this workload answered on. */
    public TreeSet<String> serves = new TreeSet<>();
    /** Outbound edges: "PEER tcp/PORT" (PEER = workload name or address). */
    @JsonProperty("talks_to")
    public TreeSet<String> talksTo = new TreeSet<>();
    /** Inbound edges: "PEER tcp/PORT" (PORT = this workload's service port). */
    @JsonProperty("heard_from")
    public TreeSet<String> heardFrom = new TreeSet<>();
    @JsonProperty("app_protos")
    public TreeSet<String> appProtos = new TreeSet<>();
    @JsonProperty("dns_names")
    public TreeSet<String> dnsNames = new TreeSet<>();
    /** Outbound edges with regular timing (exempt from the beaconing detector). */
    public TreeSet<String> periodic = new TreeSet<>();
    @JsonProperty("requests_per_min")
    public Stats requestsPerMin;
    @JsonProperty("bytes_out_per_min")
    public Stats bytesOutPerMin;
    @JsonProperty("bytes_in_per_min")
    public Stats bytesInPerMin;
    public TreeMap<String, EndpointProfile> endpoints = new TreeMap<>();

    public static String edge(String peer, String transport, int port) {
        return peer + " " + transport + "/" + port;
    }
}
