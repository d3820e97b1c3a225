package io.crowsnest.detection.inspect;

/** A sticky-buffer transform (Suricata {@code to_lowercase;} …): the bytes inspected after it are the result. */
@FunctionalInterface
public interface Transform {
    byte[] apply(byte[] in);
}
