package io.crowsnest.sensor.pipeline;

import com.lmax.disruptor.EventHandler;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.alert.AlertOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert writer thread: hands each alert to every output and keeps the per-signature
 * counts for the summary. Output errors are reported once per output and counted; they never
 * stop the pipeline.
 */
public final class AlertWriterHandler implements EventHandler<Alert> {
    /** Per-signature tally for the summary. */
    public static final class SidCount {
        public final long sid;
        public final String msg;
        public long count;

        SidCount(long sid, String msg) {
            this.sid = sid;
            this.msg = msg;
        }
    }

    private final List<AlertOutput> outputs;
    private final PrintStream err;
    private final Map<Long, SidCount> bySid = new HashMap<>();
    private long alerts;
    private long outputErrors;
    private long lastFlushNanos = System.nanoTime();

    public AlertWriterHandler(List<AlertOutput> outputs, PrintStream err) {
        this.outputs = outputs;
        this.err = err;
    }

    private io.crowsnest.sensor.behaviour.BehaviourStage behaviour;

    /** Feeds the records riding the ring to the behaviour stage, whose alerts go to the same outputs. */
    public void behaviour(io.crowsnest.sensor.behaviour.BehaviourStage stage) {
        this.behaviour = stage;
        stage.deliverTo(a -> deliver(a));
    }

    public io.crowsnest.sensor.behaviour.BehaviourStage behaviour() {
        return behaviour;
    }

    /** End of input: the behaviour stage evaluates what is pending (after the ring drained). */
    public void finishBehaviour() {
        if (behaviour != null) {
            behaviour.finish();
        }
    }

    @Override
    public void onEvent(Alert alert, long sequence, boolean endOfBatch) {
        if (alert.record != null && behaviour != null) {
            behaviour.accept(alert.record);
            alert.record = null; // the slot is reused; drop the reference now
        }
        if (alert.log) {
            deliver(alert);
        }
        long now = System.nanoTime();
        // Flush at the end of a batch, at most every 200 ms, so a live sensor's alerts reach
        // disk promptly without a syscall per alert during a burst.
        if (endOfBatch && now - lastFlushNanos > 200_000_000L) {
            flushAll();
            lastFlushNanos = now;
        }
    }

    private void deliver(Alert alert) {
        // Other EVE records (http, dns, …) share the ring; only alerts count as alerts.
        if (alert.eventType == null || "alert".equals(alert.eventType)) {
            alerts++;
            SidCount c = bySid.get(alert.sid);
            if (c == null) {
                c = new SidCount(alert.sid, alert.msg);
                bySid.put(alert.sid, c);
            }
            c.count++;
        }
        for (AlertOutput out : outputs) {
            try {
                out.write(alert);
            } catch (IOException e) {
                if (outputErrors++ == 0) {
                    err.println("crowsnest: error: alert output failed: " + e.getMessage());
                }
            }
        }
    }

    public void flushAll() {
        for (AlertOutput out : outputs) {
            try {
                out.flush();
            } catch (IOException e) {
                if (outputErrors++ == 0) {
                    err.println("crowsnest: error: alert output failed: " + e.getMessage());
                }
            }
        }
    }

    public long alerts() {
        return alerts;
    }

    public long outputErrors() {
        return outputErrors;
    }

    public Map<Long, SidCount> bySid() {
        return bySid;
    }
}
