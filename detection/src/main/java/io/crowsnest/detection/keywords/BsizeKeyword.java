package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.BufferSizeMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code bsize:N|<N|>N|<=N|>=N|!N|N<>M;} on the length of the current sticky buffer (needs one). */
public final class BsizeKeyword implements Keyword {
    public String name() { return "bsize"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        NumCondition c = NumCondition.parse(value, ctx, 0xFFFFFFFFL);
        if (sig.currentBuffer() == null) {
            throw ctx.error("bsize needs a sticky buffer");
        }
        sig.addPayload(new BufferSizeMatch(c::test, "bsize:" + value));
    }
}
