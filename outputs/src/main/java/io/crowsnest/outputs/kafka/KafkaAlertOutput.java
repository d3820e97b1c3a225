package io.crowsnest.outputs.kafka;

import io.crowsnest.outputs.format.AlertFormat;
import io.crowsnest.outputs.format.EveJsonFormat;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.spool.SpooledAlertOutput;

/**
 * Alert output to a Kafka topic: the writer thread formats the alert as EVE JSON and appends
 * it to the on-disk spool (local file I/O only, never the network); a {@link KafkaSender}
 * thread drains the spool through the producer.
 */
public final class KafkaAlertOutput extends SpooledAlertOutput<KafkaSender> {
    /** EVE JSON records, one per Kafka record. */
    public KafkaAlertOutput(Spool spool, KafkaSender sender, long closeDrainMillis) {
        this(new EveJsonFormat(), spool, sender, closeDrainMillis);
    }

    public KafkaAlertOutput(AlertFormat format, Spool spool, KafkaSender sender, long closeDrainMillis) {
        super(format, spool, sender, closeDrainMillis);
    }
}
