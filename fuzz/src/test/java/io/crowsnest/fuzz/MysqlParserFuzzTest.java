package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.mysql.MysqlParser;

/**
 * The MySQL parser on arbitrary pieces of both directions ({@link Pieces}): greeting, login, commands and
 * result sets; broken input is a named {@code mysql.*} anomaly.
 */
class MysqlParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void conversation(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.MYSQL, "mysql");
        MysqlParser parser = new MysqlParser(checks.updated, checks.anomaly);
        Pieces.feed(input, parser::parse);
        return checks;
    }
}
