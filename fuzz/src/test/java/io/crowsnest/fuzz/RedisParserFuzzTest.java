package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.redis.RedisParser;

/** The RESP parser on arbitrary pieces of both directions ({@link Pieces}); it has no anomaly events. */
class RedisParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void commandsAndReplies(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.REDIS, "redis");
        RedisParser parser = new RedisParser(checks.updated);
        Pieces.feed(input, parser::parse);
        return checks;
    }
}
