package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.ssh.SshParser;

/** The SSH banner parser on arbitrary pieces of both directions ({@link Pieces}); it has no anomaly events. */
class SshParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void banners(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.SSH, "ssh");
        SshParser parser = new SshParser(checks.updated);
        Pieces.feed(input, parser::parse);
        checks.updated(parser.tx, true);
        return checks;
    }
}
