package io.crowsnest.decoders.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class ChecksumPolicyTest {
    static final byte[] GOOD = TestFrames.bytes(TestFrames.ETH_UDP_DNS);
    static final byte[] BAD_UDP = GOOD.clone();
    static final byte[] BAD_IP = GOOD.clone();
    static final byte[] NO_CHECKSUM; // IPv6 hop-by-hop + fragment: nothing to validate

    static {
        BAD_UDP[40] ^= 0x55;
        BAD_IP[24] ^= 0x11;
        NO_CHECKSUM = TestFrames.bytes(TestFrames.ETH_V6_FRAG_LAST);
    }

    private static Packet run(PacketDecoder d, Packet p, byte[] frame) {
        p.load(frame, LinkType.ETHERNET);
        d.decode(p);
        return p;
    }

    @Test
    void allValidatesEverything() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL));
        Packet p = new Packet(2048);
        for (int i = 0; i < 3000; i++) {
            run(d, p, BAD_UDP);
            assertEquals(ChecksumState.OK, p.ipChecksum);
            assertEquals(ChecksumState.BAD, p.l4Checksum);
            assertTrue(p.hasEvent(DecoderEvent.UDP_CHECKSUM_INVALID));
        }
        assertTrue(d.checksumValidationActive());
        run(d, p, BAD_IP);
        assertEquals(ChecksumState.BAD, p.ipChecksum);
        assertTrue(p.hasEvent(DecoderEvent.IPV4_CHECKSUM_INVALID));
        run(d, p, GOOD);
        assertEquals(ChecksumState.OK, p.ipChecksum);
        assertEquals(ChecksumState.OK, p.l4Checksum);
        assertEquals(0, p.eventCount);
        assertEquals(3001, d.invalidChecksumCount());
        assertEquals(3001, d.eventCounts()[DecoderEvent.UDP_CHECKSUM_INVALID.ordinal()]
                + d.eventCounts()[DecoderEvent.IPV4_CHECKSUM_INVALID.ordinal()]);
    }

    @Test
    void noneNeverValidates() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.NONE));
        Packet p = new Packet(2048);
        assertFalse(d.checksumValidationActive());
        for (byte[] f : new byte[][] {BAD_UDP, BAD_IP, GOOD}) {
            run(d, p, f);
            assertEquals(ChecksumState.UNCHECKED, p.ipChecksum);
            assertEquals(ChecksumState.UNCHECKED, p.l4Checksum);
            assertEquals(0, p.eventCount);
            assertTrue(p.isUdp());
        }
        assertEquals(0, d.invalidChecksumCount());
    }

    @Test
    void autoSwitchesOffAfterAMostlyBadSample() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults());
        assertEquals(ChecksumMode.AUTO, d.config().checksumMode);
        Packet p = new Packet(2048);
        for (int i = 0; i < 50; i++) { // packets without a checksum do not count towards the sample
            run(d, p, NO_CHECKSUM);
            assertEquals(ChecksumState.UNCHECKED, p.l4Checksum);
        }
        for (int i = 0; i < ChecksumPolicy.SAMPLE_SIZE; i++) {
            assertTrue(d.checksumValidationActive(), "still sampling at " + i);
            run(d, p, i % 4 == 0 ? GOOD : BAD_UDP); // 75 % bad
            assertEquals(i % 4 == 0 ? ChecksumState.OK : ChecksumState.BAD, p.l4Checksum);
        }
        assertFalse(d.checksumValidationActive());
        assertEquals(750, d.invalidChecksumCount());
        run(d, p, BAD_UDP);
        assertEquals(ChecksumState.UNCHECKED, p.l4Checksum);
        assertEquals(ChecksumState.UNCHECKED, p.ipChecksum);
        assertFalse(p.hasEvent(DecoderEvent.UDP_CHECKSUM_INVALID));
        run(d, p, BAD_IP);
        assertEquals(ChecksumState.UNCHECKED, p.ipChecksum);
        assertEquals(750, d.invalidChecksumCount());
    }

    @Test
    void autoStaysOnWhenFewAreBad() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.AUTO));
        Packet p = new Packet(2048);
        for (int i = 0; i < 5000; i++) {
            run(d, p, i % 20 == 0 ? BAD_UDP : GOOD); // 5 % bad
        }
        assertTrue(d.checksumValidationActive());
        run(d, p, BAD_UDP);
        assertEquals(ChecksumState.BAD, p.l4Checksum);
        assertEquals(251, d.invalidChecksumCount());
    }

    @Test
    void exactlyTenPercentKeepsValidating() {
        ChecksumPolicy policy = new ChecksumPolicy(ChecksumMode.AUTO);
        for (int i = 0; i < ChecksumPolicy.SAMPLE_SIZE; i++) {
            policy.recordPacket(i % 10 == 0);
        }
        assertTrue(policy.active());
        ChecksumPolicy over = new ChecksumPolicy(ChecksumMode.AUTO);
        for (int i = 0; i < ChecksumPolicy.SAMPLE_SIZE; i++) {
            over.recordPacket(i <= 100);
        }
        assertFalse(over.active());
    }
}
