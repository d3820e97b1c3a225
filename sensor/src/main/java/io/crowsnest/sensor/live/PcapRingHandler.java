package io.crowsnest.sensor.live;

import com.lmax.disruptor.EventHandler;
import io.crowsnest.capture.file.RollingPcapWriter;
import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.io.PrintStream;

/**
 * A packet-ring consumer beside the detection workers that writes every captured packet to a
 * bounded ring of pcap files ({@code --pcap-out}), so the evidence outlives the container.
 * A write error (disk full) is reported once and counted; capture and detection go on.
 */
final class PcapRingHandler implements EventHandler<Packet> {
    private final RollingPcapWriter writer;
    private final PrintStream err;
    private long failed;

    PcapRingHandler(RollingPcapWriter writer, PrintStream err) {
        this.writer = writer;
        this.err = err;
    }

    @Override
    public void onEvent(Packet p, long sequence, boolean endOfBatch) {
        if (p.length == 0) {
            return;
        }
        try {
            writer.write(p);
            if (endOfBatch) {
                writer.flush();
            }
        } catch (IOException e) {
            if (failed++ == 0) {
                err.println("crowsnest: error: --pcap-out: " + e.getMessage() + " (packets not written are counted)");
            }
        }
    }

    @Override
    public void onShutdown() {
        try {
            writer.close();
        } catch (IOException e) {
            err.println("crowsnest: error: --pcap-out: closing: " + e.getMessage());
        }
    }

    long failed() {
        return failed;
    }
}
