package io.crowsnest.detection.rules;

/** One {@code config classification:} line: short name, description (EVE "category") and priority. */
public record Classification(String name, String description, int priority) {}
