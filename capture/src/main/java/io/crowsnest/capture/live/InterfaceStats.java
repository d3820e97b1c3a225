package io.crowsnest.capture.live;

/**
 * Loss and volume counters of one captured interface.
 *
 * @param name          interface name
 * @param interfaceId   the {@code Packet.interfaceId}/{@code sourceId} of its packets
 * @param received      packets handed to Crowsnest by libpcap
 * @param bytes         captured bytes handed to Crowsnest
 * @param published     packets put in the ring (received minus ring drops)
 * @param ringDrops     packets read but never published (dropped by Crowsnest): the ring was full
 *                      when the capture was stopped
 * @param ringFullWaits times the capture thread found the packet ring full and waited for the
 *                      workers (the kernel buffer absorbs the burst; a loss shows as kernel drops)
 * @param truncated     packets longer than a ring slot (truncated, still published)
 * @param pcapReceived  libpcap {@code ps_recv}
 * @param kernelDrops   libpcap {@code ps_drop}: dropped because the kernel buffer was full
 * @param ifDrops       libpcap {@code ps_ifdrop}: dropped by the interface/driver
 * @param active        still capturing
 * @param error         one-line reason the capture ended on its own (interface vanished …), or null
 */
public record InterfaceStats(String name, int interfaceId, long received, long bytes, long published,
                             long ringDrops, long ringFullWaits, long truncated, long pcapReceived, long kernelDrops,
                             long ifDrops, boolean active, String error) {
}
