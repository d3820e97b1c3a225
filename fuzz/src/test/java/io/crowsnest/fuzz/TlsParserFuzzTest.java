package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.tls.TlsParser;

/**
 * The TLS parser on arbitrary pieces of both directions ({@link Pieces}): records, handshake messages
 * spanning records, ClientHello/ServerHello extensions and the certificate's DER. Broken input is a
 * named {@code tls.*} anomaly.
 */
class TlsParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void handshake(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.TLS, "tls");
        TlsParser parser = new TlsParser(checks.updated, checks.anomaly);
        Pieces.feed(input, parser::parse);
        checks.updated(parser.tx, true);
        return checks;
    }
}
