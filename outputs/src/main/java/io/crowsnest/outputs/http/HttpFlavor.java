package io.crowsnest.outputs.http;

/** The request format an {@link HttpSender} speaks. Every spool record is one EVE JSON object. */
public enum HttpFlavor {
    /**
     * Generic JSON webhook: each batch is one POST whose body is a JSON array of the EVE
     * objects ({@code Content-Type: application/json}). An array (rather than NDJSON) because any
     * JSON parser reads it; a 2xx acknowledges the whole batch.
     */
    WEBHOOK("/"),
    /**
     * Elasticsearch / OpenSearch {@code _bulk}: NDJSON, one {@code create} action with a
     * deterministic {@code _id} and a daily index per record, then the ECS document.
     */
    ELASTIC_BULK("/_bulk"),
    /**
     * Splunk HTTP Event Collector: {@code {"time":…,"sourcetype":"crowsnest:eve","event":{EVE}}}
     * objects concatenated, {@code Authorization: Splunk TOKEN}; optionally indexer
     * acknowledgement.
     */
    SPLUNK_HEC("/services/collector/event");

    final String defaultPath;

    HttpFlavor(String defaultPath) {
        this.defaultPath = defaultPath;
    }
}
