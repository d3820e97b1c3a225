package io.crowsnest.applayer.redis;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Redis command and its reply. {@code redis.command} is the command line as the words of the RESP
 * array joined by single spaces (e.g. {@code AUTH secret}, {@code CONFIG SET dir /tmp}).
 */
public final class RedisTx extends Transaction {
    public byte[] command;
    public String reply;
    public boolean replyError;

    @Override
    public int proto() {
        return AppProto.REDIS;
    }

    @Override
    public boolean complete() {
        return reply != null;
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        return buf == Buf.REDIS_COMMAND && toServer && index == 0 && slice(out, command);
    }

    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (command != null) {
            m.put("command", new String(command, StandardCharsets.ISO_8859_1));
        }
        if (reply != null) {
            m.put(replyError ? "error" : "reply", reply);
        }
        return m;
    }
}
