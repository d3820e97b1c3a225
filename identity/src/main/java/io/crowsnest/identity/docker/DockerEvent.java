package io.crowsnest.identity.docker;

import java.util.Map;

/**
 * One {@code /events} record.
 *
 * @param type       {@code container}, {@code network}, …
 * @param action     {@code start}, {@code die}, …
 * @param id         the actor id (the container id)
 * @param attributes the actor's attributes (container {@code name}, {@code image}, its labels, {@code exitCode})
 * @param timeNanos  event time, epoch nanoseconds ({@code timeNano})
 */
public record DockerEvent(String type, String action, String id, Map<String, String> attributes, long timeNanos) {
}
