package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import java.util.List;

/**
 * One rule option keyword. {@link #setup} parses the option's value into the signature being built,
 * adding the matchers ({@link io.crowsnest.detection.inspect.PacketCondition}, payload elements,
 * post-match actions) the keyword needs. Register new keywords in {@link KeywordRegistry}.
 */
public interface Keyword {
    /** Whether the option takes a value ({@code name:value;}) or not ({@code name;}). */
    enum ValueMode { NONE, REQUIRED, OPTIONAL }

    String name();

    default List<String> aliases() {
        return List.of();
    }

    default ValueMode valueMode() {
        return ValueMode.REQUIRED;
    }

    /** True for keywords that leave an IP-only rule IP-only (msg, sid, classtype …). */
    default boolean ipOnlyCompatible() {
        return false;
    }

    /** {@code value} is trimmed, null for keywords without a value. */
    void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException;
}
