package io.crowsnest.sensor.replay;

import io.crowsnest.capture.file.CaptureFileReader;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Decides {@code --checksum auto} for one capture file the way Suricata's capture-file default
 * does — validate a sample of 1000 packets that carry checksums; more than 10 % bad means the
 * capture was taken with checksum offload — but before the replay starts, so the decision
 * covers the whole file, including the sample itself and files shorter than the sample
 * (Suricata leaves those validated, which silently blinds it to small offloaded captures).
 */
final class ChecksumProbe {
    static final int SAMPLE = 1000;

    private ChecksumProbe() {}

    /** Returns ALL when the file's checksums look trustworthy, NONE when it looks offloaded. */
    static DecoderConfig.ChecksumMode decide(Path file, DecoderConfig base) throws IOException {
        PacketDecoder decoder = new PacketDecoder(base.withChecksumMode(DecoderConfig.ChecksumMode.ALL));
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            while (decoder.checkedChecksumCount() < SAMPLE && reader.next(p)) {
                decoder.decode(p);
            }
        } catch (IOException damaged) {
            // A damaged file is reported by the replay itself; decide on what could be read.
        }
        long checked = decoder.checkedChecksumCount();
        long bad = decoder.invalidChecksumCount();
        return checked > 0 && bad * 10 > checked ? DecoderConfig.ChecksumMode.NONE : DecoderConfig.ChecksumMode.ALL;
    }
}
