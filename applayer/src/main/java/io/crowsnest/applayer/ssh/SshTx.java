package io.crowsnest.applayer.ssh;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The SSH banners of a connection ("SSH-protoversion-softwareversion [comments]"). */
public final class SshTx extends Transaction {
    public byte[] clientProto, clientSoftware, serverProto, serverSoftware;

    @Override
    public int proto() {
        return AppProto.SSH;
    }

    @Override
    public boolean complete() {
        return clientProto != null && serverProto != null;
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        if (index != 0) {
            return false;
        }
        if (buf == Buf.SSH_PROTO) {
            return slice(out, toServer ? clientProto : serverProto);
        }
        if (buf == Buf.SSH_SOFTWARE) {
            return slice(out, toServer ? clientSoftware : serverSoftware);
        }
        return false;
    }

    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (clientProto != null) {
            m.put("client", side(clientProto, clientSoftware));
        }
        if (serverProto != null) {
            m.put("server", side(serverProto, serverSoftware));
        }
        return m;
    }

    private static Map<String, Object> side(byte[] p, byte[] s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proto_version", new String(p, StandardCharsets.ISO_8859_1));
        if (s != null) {
            m.put("software_version", new String(s, StandardCharsets.ISO_8859_1));
        }
        return m;
    }
}
