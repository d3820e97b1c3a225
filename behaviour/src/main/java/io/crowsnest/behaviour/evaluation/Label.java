package io.crowsnest.behaviour.evaluation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** One labelled attack interval: its kind (a detector name), who attacked whom, and when (epoch seconds). */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class Label {
    @JsonProperty(required = true)
    public String kind;
    public String name;
    public List<String> src = new ArrayList<>();
    public List<String> dst = new ArrayList<>();
    @JsonProperty(required = true)
    public double start;
    @JsonProperty(required = true)
    public double end;

    public String id() {
        return kind + (name != null ? "/" + name : "") + " " + src + " -> " + dst;
    }
}
