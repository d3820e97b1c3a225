/** Packet sources (pcap/pcapng files, live capture) and the ring that hands packets on. */
package io.crowsnest.capture;
