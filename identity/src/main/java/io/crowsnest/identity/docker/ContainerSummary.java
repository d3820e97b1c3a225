package io.crowsnest.identity.docker;

import java.util.List;
import java.util.Map;

/** One entry of {@code GET /containers/json}. */
public record ContainerSummary(String id, List<String> names, String image, Map<String, String> labels, String state) {
}
