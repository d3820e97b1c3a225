package io.crowsnest.behaviour.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.TreeSet;

/**
 * What one endpoint of a service ("GET /items/{n}") normally costs: the downstream transactions each
 * request causes (fan-out), the backends they go to and the response size. {@code fanout_limit} is the
 * knob a user edits to accept a heavier endpoint; when absent the detector derives the limit from p99.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"requests", "fanout", "fanout_limit", "response_bytes", "backends"})
public final class EndpointProfile {
    public long requests;
    public Stats fanout;
    @com.fasterxml.jackson.annotation.JsonProperty("fanout_limit")
    public Double fanoutLimit;
    @com.fasterxml.jackson.annotation.JsonProperty("response_bytes")
    public Stats responseBytes;
    public TreeSet<String> backends = new TreeSet<>();
}
