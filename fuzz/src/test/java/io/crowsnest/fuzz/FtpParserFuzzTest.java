package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.ftp.FtpParser;
import io.crowsnest.applayer.ftp.FtpTx;

/**
 * The FTP control-channel parser on arbitrary pieces of both directions ({@link Pieces}); broken lines are
 * named {@code ftp.*} anomalies, and a transaction keeps at most 16 reply lines and codes however many
 * replies (preliminary or not) answer it.
 */
class FtpParserFuzzTest {
    static final int MAX_REPLY_LINES = 16; // FtpTx.MAX_REPLY_LINES

    @FuzzTest(maxDuration = "5m")
    void conversation(byte[] input) {
        run(input);
    }

    static ParserChecks run(byte[] input) {
        ParserChecks checks = new ParserChecks(AppProto.FTP, "ftp");
        FtpParser parser = new FtpParser((tx, toServer) -> {
            checks.updated(tx, toServer);
            FtpTx f = (FtpTx) tx;
            if (f.replies.size() > MAX_REPLY_LINES || f.codes.size() > MAX_REPLY_LINES) {
                throw new AssertionError("FTP transaction holds " + f.replies.size() + " reply lines, "
                        + f.codes.size() + " codes");
            }
        }, checks.anomaly);
        Pieces.feed(input, parser::parse);
        return checks;
    }
}
