package io.crowsnest.applayer.ftp;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One FTP command line and its reply: preliminary 1xx replies are kept, the first reply of 2xx–5xx
 * completes it. The argument of PASS is never kept.
 */
public final class FtpTx extends Transaction {
    static final int MAX_REPLY_LINES = 16;

    /** The command word, upper-cased (USER, PASS, RETR …). */
    public String command;
    /** The argument; null for PASS (a password) and for commands without one. */
    public byte[] commandData;
    public final List<String> replies = new ArrayList<>(2);
    public final List<Integer> codes = new ArrayList<>(1);
    /** The completing reply's code (0 while none). */
    public int code;

    @Override
    public int proto() {
        return AppProto.FTP;
    }

    @Override
    public boolean complete() {
        return code != 0;
    }

    /** Is this a login command (USER, PASS, ACCT)? Their answer is the verdict on the credentials. */
    public boolean login() {
        return "USER".equals(command) || "PASS".equals(command) || "ACCT".equals(command);
    }

    /** 530 "Not logged in" answering a login command. */
    public boolean authFailure() {
        return code == 530 && login();
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        return false;
    }

    /** Suricata's {@code ftp} object: command, command_data, reply[], completion_code[], reply_received. */
    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        if (commandData != null) {
            m.put("command_data", new String(commandData, StandardCharsets.UTF_8));
        }
        if (!replies.isEmpty()) {
            m.put("reply", new ArrayList<>(replies));
        }
        if (!codes.isEmpty()) {
            List<String> c = new ArrayList<>(codes.size());
            for (int x : codes) {
                c.add(Integer.toString(x));
            }
            m.put("completion_code", c);
        }
        m.put("reply_received", code != 0 ? "yes" : "no");
        return m;
    }
}
