package io.crowsnest.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InFlightTest {
    @Test
    void theSpoolIsAcknowledgedOnlyUpToTheFirstBatchWithARecordInFlight() {
        InFlight f = new InFlight();
        InFlight.Batch a = f.open(100, 2);
        InFlight.Batch b = f.open(200, 1);
        InFlight.Batch c = f.open(300, 1);
        assertEquals(4, f.records());
        // Kafka acknowledges per partition, so out of order: c and b first
        f.done(c);
        f.done(b);
        assertEquals(-1, f.takeDone(), "a still has a record in flight");
        f.done(a);
        assertEquals(-1, f.takeDone());
        f.done(a);
        assertEquals(300, f.takeDone(), "a, b and c done: up to the end of c");
        assertTrue(f.isEmpty());
        assertEquals(0, f.records());
    }

    @Test
    void afterClearLateCallbacksOfTheOldProducerChangeNothing() {
        InFlight f = new InFlight();
        InFlight.Batch old = f.open(100, 2);
        f.clear();
        InFlight.Batch fresh = f.open(100, 2);
        f.done(old);
        f.done(old);
        assertEquals(2, f.records());
        assertEquals(-1, f.takeDone());
        f.done(fresh);
        f.done(fresh);
        f.done(fresh); // one callback too many is ignored
        assertEquals(0, f.records());
        assertEquals(100, f.takeDone());
    }
}
