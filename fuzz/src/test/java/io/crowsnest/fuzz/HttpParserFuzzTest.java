package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.http.HttpParser;

/**
 * The HTTP parser on arbitrary bytes arriving in arbitrary pieces, both directions interleaved:
 * malformed input must become anomalies, never an exception or a hang.
 */
class HttpParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void feedPieces(FuzzedDataProvider data) {
        HttpParser parser = new HttpParser(new HttpParser.Listener() {
            @Override
            public void updated(Transaction tx, boolean toServer) {
            }
        }, 1 << 16);
        while (data.remainingBytes() > 0) {
            boolean toServer = data.consumeBoolean();
            byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 2048));
            parser.parse(toServer, piece, 0, piece.length);
        }
        parser.close(true);
        parser.close(false);
    }
}
