package io.crowsnest.applayer;

import io.crowsnest.applayer.detect.ProtocolDetector;
import io.crowsnest.applayer.dns.DnsParser;
import io.crowsnest.applayer.ftp.FtpParser;
import io.crowsnest.applayer.http.HttpParser;
import io.crowsnest.applayer.mysql.MysqlParser;
import io.crowsnest.applayer.postgresql.PgsqlParser;
import io.crowsnest.applayer.redis.RedisParser;
import io.crowsnest.applayer.ssh.SshParser;
import io.crowsnest.applayer.tls.TlsParser;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.decoders.stream.StreamConfig;
import io.crowsnest.decoders.stream.StreamConsumer;
import io.crowsnest.decoders.stream.TcpReassembler;
import java.util.Map;
import java.util.TreeMap;

/**
 * The app layer of one worker thread: flow → TCP reassembly → protocol detection → parser → transactions.
 * {@link #process} runs for every packet after the flow table; the transactions the packet touched are
 * then on the flow's {@link AppLayerState} for the detection engine and the loggers.
 */
public final class AppLayer implements StreamConsumer {
    static final int DETECT_LIMIT = 512;

    private final TcpReassembler reassembler;
    private AppLayerState cur;
    /** Time of the packet being processed (ns), stamped on the transactions it touches. */
    private long curNanos;
    private final Map<String, Long> anomalyCounts = new TreeMap<>();
    private final long[] protoCounts = new long[AppProto.COUNT];

    public AppLayer(StreamConfig streamConfig) {
        this.reassembler = new TcpReassembler(streamConfig, this);
    }

    public TcpReassembler reassembler() {
        return reassembler;
    }

    /** App-layer anomaly events by name (counters). */
    public Map<String, Long> anomalyCounts() {
        return anomalyCounts;
    }

    /** Flows per detected protocol ({@link AppProto} id). */
    public long flowsDetected(int proto) {
        return protoCounts[proto];
    }

    public static AppLayerState state(Flow f) {
        return f == null || !(f.app instanceof AppLayerState) ? null : (AppLayerState) f.app;
    }

    /** Runs reassembly and the parsers for one packet of flow {@code f}; returns the flow's state (or null). */
    public AppLayerState process(Packet p, Flow f, int flowFlags) {
        if (f == null) {
            return null;
        }
        AppLayerState st = state(f);
        if (st == null) {
            st = new AppLayerState();
            f.app = st;
        }
        st.beginPacket();
        cur = st;
        curNanos = p.tsSeconds * 1_000_000_000L + p.tsNanos;
        boolean toServer = (flowFlags & FlowFlags.TO_SERVER) != 0;
        if (p.ipProto == 6) {
            reassembler.process(p, f, toServer);
        } else if (p.ipProto == 17 && p.payloadLength > 0) {
            if (st.proto == AppProto.UNKNOWN && (p.srcPort == 53 || p.dstPort == 53)) {
                setProto(st, AppProto.DNS);
            }
            if (st.proto == AppProto.DNS) {
                dns(st).datagram(toServer, p.data, p.payloadOffset, p.payloadLength);
            }
        }
        cur = null;
        return st;
    }

    private DnsParser dns(AppLayerState st) {
        if (st.dns == null) {
            st.dns = new DnsParser(this::touched, this::anomaly);
        }
        return st.dns;
    }

    private void setProto(AppLayerState st, int proto) {
        st.proto = proto;
        protoCounts[proto]++;
    }

    private void touched(Transaction tx, boolean toServer) {
        AppLayerState st = cur;
        if (st == null) {
            return;
        }
        st.touched(tx, toServer);
        if (tx.startNanos == 0) {
            tx.startNanos = curNanos;
        }
        if (tx.complete() && !tx.logged) {
            tx.logged = true;
            tx.endNanos = curNanos;
            if (st.toLog.size() < 256) {
                st.toLog.add(tx);
            }
        }
    }

    private void anomaly(String e) {
        anomalyCounts.merge(e, 1L, Long::sum);
        if (cur != null && cur.anomalies.size() < 16) {
            cur.anomalies.add(e);
        }
    }

    @Override
    public void data(Flow flow, boolean toServer, byte[] b, int off, int len) {
        AppLayerState st = state(flow);
        if (st == null) {
            return;
        }
        toServer ^= st.reversed; // after a reversal the reassembler still names this packet's direction the old way
        int d = toServer ? 0 : 1;
        if (st.proto == AppProto.UNKNOWN) {
            if (st.detectFailed[d]) {
                return;
            }
            ByteBuf db = st.detectBuf[d];
            if (db == null) {
                db = st.detectBuf[d] = new ByteBuf(64, DETECT_LIMIT);
            }
            db.append(b, off, len);
            int r = ProtocolDetector.detect(db.array(), 0, db.length(), toServer,
                    toServer ? flow.clientPort : flow.serverPort, toServer ? flow.serverPort : flow.clientPort);
            if (r == ProtocolDetector.MORE && !db.full()) {
                return;
            }
            if (r == ProtocolDetector.MORE || r == AppProto.FAILED) {
                st.detectFailed[d] = true;
                st.detectBuf[d] = null;
                if (st.detectFailed[1 - d]) {
                    st.proto = AppProto.FAILED;
                }
                return;
            }
            if (toServer && flow.midstream && ProtocolDetector.isServerSpeaking(r, db.array(), 0, db.length())) {
                // Picked up mid-stream, the first packet's sender was taken for the client, but it answers
                // like a server: swap the flow's sides, as Suricata does after protocol detection
                flow.reverse();
                st.swapDetection();
                st.reversed = true;
                toServer = false;
                d = 1;
            }
            setProto(st, r);
            st.detectBuf[d] = null;
            // bytes the other direction sent before the protocol was known go to the parser first
            ByteBuf other = st.detectBuf[1 - d];
            st.detectBuf[1 - d] = null;
            if (other != null && other.length() > 0) {
                feed(st, !toServer, other.array(), 0, other.length());
            }
            feed(st, toServer, db.array(), 0, db.length());
            return;
        }
        feed(st, toServer, b, off, len);
    }

    private void feed(AppLayerState st, boolean toServer, byte[] b, int off, int len) {
        switch (st.proto) {
            case AppProto.HTTP:
                if (st.http == null) {
                    st.http = new HttpParser(new HttpParser.Listener() {
                        public void updated(Transaction tx, boolean ts) {
                            touched(tx, ts);
                        }

                        public void anomaly(String event) {
                            AppLayer.this.anomaly(event);
                        }
                    });
                }
                st.http.parse(toServer, b, off, len);
                break;
            case AppProto.TLS:
                if (st.tls == null) {
                    st.tls = new TlsParser(this::touched, this::anomaly);
                }
                st.tls.parse(toServer, b, off, len);
                break;
            case AppProto.DNS:
                dns(st).stream(toServer, b, off, len);
                break;
            case AppProto.SSH:
                if (st.ssh == null) {
                    st.ssh = new SshParser(this::touched);
                }
                st.ssh.parse(toServer, b, off, len);
                break;
            case AppProto.REDIS:
                if (st.redis == null) {
                    st.redis = new RedisParser(this::touched);
                }
                st.redis.parse(toServer, b, off, len);
                break;
            case AppProto.PGSQL:
                if (st.pgsql == null) {
                    st.pgsql = new PgsqlParser(this::touched, this::anomaly);
                }
                st.pgsql.parse(toServer, b, off, len);
                break;
            case AppProto.MYSQL:
                if (st.mysql == null) {
                    st.mysql = new MysqlParser(this::touched, this::anomaly);
                }
                st.mysql.parse(toServer, b, off, len);
                break;
            case AppProto.FTP:
                if (st.ftp == null) {
                    st.ftp = new FtpParser(this::touched, this::anomaly);
                }
                st.ftp.parse(toServer, b, off, len);
                break;
            default:
        }
    }

    @Override
    public void gap(Flow flow, boolean toServer, long len) {
        AppLayerState st = state(flow);
        if (st == null) {
            return;
        }
        toServer ^= st.reversed;
        if (st.proto == AppProto.HTTP && st.http != null) {
            st.http.gap(toServer, len);
        } else if (st.proto == AppProto.UNKNOWN) {
            st.detectFailed[toServer ? 0 : 1] = true;
        }
    }

    @Override
    public void closed(Flow flow, boolean toServer) {
        AppLayerState st = state(flow);
        if (st != null) {
            toServer ^= st.reversed;
        }
        if (st != null && st.proto == AppProto.HTTP && st.http != null) {
            AppLayerState prev = cur;
            cur = st;
            st.http.close(toServer);
            cur = prev;
        }
    }
}
