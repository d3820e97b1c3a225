package io.crowsnest.decoders;

/** Decoder settings: overlay ports and checksum validation. Immutable. */
public final class DecoderConfig {
    /** Checksum policies, as {@code --checksum auto|all|none}. */
    public enum ChecksumMode { AUTO, ALL, NONE }

    public final int[] vxlanPorts;
    public final int[] genevePorts;
    public final ChecksumMode checksumMode;

    public DecoderConfig(int[] vxlanPorts, int[] genevePorts, ChecksumMode checksumMode) {
        this.vxlanPorts = vxlanPorts.clone();
        this.genevePorts = genevePorts.clone();
        this.checksumMode = checksumMode;
    }

    /** VXLAN on 4789 (IANA) and 8472 (Linux/flannel/Cilium default), Geneve on 6081, checksums auto. */
    public static DecoderConfig defaults() {
        return new DecoderConfig(new int[] {4789, 8472}, new int[] {6081}, ChecksumMode.AUTO);
    }

    public DecoderConfig withChecksumMode(ChecksumMode mode) {
        return new DecoderConfig(vxlanPorts, genevePorts, mode);
    }
}
