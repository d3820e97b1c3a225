package io.crowsnest.applayer.ssh;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.util.function.BiConsumer;

/** Reads the identification line of each direction (RFC 4253 4.2); the binary packets after it are ignored. */
public final class SshParser {
    private final BiConsumer<Transaction, Boolean> updated;
    public final SshTx tx = new SshTx();
    private final ByteBuf[] line = {new ByteBuf(64, 255), new ByteBuf(64, 255)};
    private final boolean[] done = new boolean[2];

    public SshParser(BiConsumer<Transaction, Boolean> updated) {
        this.updated = updated;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        int d = toServer ? 0 : 1;
        for (int i = off; i < off + len && !done[d]; i++) {
            if (b[i] == '\n' || line[d].full()) {
                banner(toServer, line[d].toString());
                done[d] = true;
                return;
            }
            line[d].append(b[i]);
        }
    }

    private void banner(boolean toServer, String l) {
        if (l.endsWith("\r")) {
            l = l.substring(0, l.length() - 1);
        }
        if (!l.startsWith("SSH-")) {
            return;
        }
        String rest = l.substring(4);
        int dash = rest.indexOf('-');
        String proto = dash < 0 ? rest : rest.substring(0, dash);
        String sw = dash < 0 ? null : rest.substring(dash + 1);
        if (sw != null && sw.indexOf(' ') >= 0) {
            sw = sw.substring(0, sw.indexOf(' '));
        }
        byte[] p = proto.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] s = sw == null ? null : sw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (toServer) {
            tx.clientProto = p;
            tx.clientSoftware = s;
        } else {
            tx.serverProto = p;
            tx.serverSoftware = s;
        }
        updated.accept(tx, toServer);
    }
}
