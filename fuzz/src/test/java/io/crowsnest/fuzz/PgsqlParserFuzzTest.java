package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.postgresql.PgsqlParser;

/**
 * The PostgreSQL parser on arbitrary pieces of both directions ({@link Pieces}): startup, SSL requests,
 * typed messages; broken framing is a named {@code pgsql.*} anomaly that stops the direction.
 */
class PgsqlParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void conversation(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.PGSQL, "pgsql");
        PgsqlParser parser = new PgsqlParser(checks.updated, checks.anomaly);
        Pieces.feed(input, parser::parse);
        return checks;
    }
}
