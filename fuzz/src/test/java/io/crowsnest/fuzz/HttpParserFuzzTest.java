package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.http.HttpParser;

/**
 * The HTTP parser on arbitrary bytes arriving in arbitrary pieces, both directions interleaved
 * ({@link Pieces}): malformed input must become named {@code http.*} anomalies, never an exception or a hang.
 */
class HttpParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void feedPieces(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.HTTP, "http");
        HttpParser parser = new HttpParser(new HttpParser.Listener() {
            @Override
            public void updated(Transaction tx, boolean toServer) {
                checks.updated(tx, toServer);
            }

            @Override
            public void anomaly(String event) {
                checks.anomaly.accept(event);
            }
        }, 1 << 16);
        Pieces.feed(input, parser::parse);
        parser.close(true);
        parser.close(false);
        return checks;
    }
}
