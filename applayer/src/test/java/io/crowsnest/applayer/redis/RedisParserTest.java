package io.crowsnest.applayer.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisParserTest {
    final List<RedisTx> txs = new ArrayList<>();
    final RedisParser p = new RedisParser((Transaction tx, Boolean ts) -> {
        if (ts && !txs.contains(tx)) {
            txs.add((RedisTx) tx);
        }
    });

    void send(boolean toServer, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        p.parse(toServer, b, 0, b.length);
    }

    @Test
    void commandsAndTheirRepliesPairUp() {
        send(true, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        send(true, "*1\r\n$4\r\nPING\r\n");
        send(false, "$5\r\nhello\r\n+PONG\r\n");
        assertEquals(2, txs.size());
        assertEquals("GET k", new String(txs.get(0).command, StandardCharsets.ISO_8859_1));
        assertEquals("$5", txs.get(0).reply);
        assertEquals("+PONG", txs.get(1).reply);
    }

    @Test
    void aHugeBulkLengthSkipsItsBytesInsteadOfOverflowing() {
        // $2147483647 + CRLF overflowed an int skip count into a negative one: the bulk's bytes were then
        // read as reply lines (found by RedisParserFuzzTest)
        send(true, "*1\r\n$3\r\nGET\r\n");
        send(true, "*1\r\n$4\r\nPING\r\n");
        send(false, "$2147483647\r\n+OK\r\n-ERR inside the bulk\r\n");
        assertEquals("$2147483647", txs.get(0).reply);
        assertNull(txs.get(1).reply, "bytes inside the declared bulk are not a reply");
    }
}
