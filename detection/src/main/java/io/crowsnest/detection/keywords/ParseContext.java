package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.ClassificationConfig;
import io.crowsnest.detection.rules.RuleParseException;

/** What a keyword may use while parsing: the classifications, the flowbit name registry, error helpers. */
public final class ParseContext {
    private final ClassificationConfig classifications;
    private final FlowbitRegistry flowbits;
    private String keyword;
    private FlowbitRegistry flowints = new FlowbitRegistry();
    private XbitStore xbits = new XbitStore();
    /** byte_extract / byte_math variable names of the rule being parsed, to their slot. */
    private final java.util.Map<String, Integer> byteVars = new java.util.HashMap<>();

    /** Rule-set wide state beyond flowbits (set by the loader; tests get fresh instances). */
    public ParseContext shared(FlowbitRegistry flowints, XbitStore xbits) {
        this.flowints = flowints;
        this.xbits = xbits;
        return this;
    }

    /** Flowint names to indexes in {@code Flow.flowints}. */
    public FlowbitRegistry flowints() {
        return flowints;
    }

    public XbitStore xbits() {
        return xbits;
    }

    /** Declares a byte_extract/byte_math variable of this rule; returns its slot. */
    public int declareByteVar(String name) throws RuleParseException {
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            throw bad(name, "variable names start with a letter");
        }
        Integer i = byteVars.get(name);
        if (i != null) {
            return i;
        }
        if (byteVars.size() >= io.crowsnest.detection.inspect.InspectionContext.MAX_BYTE_VARS) {
            throw error("too many byte_extract/byte_math variables in one rule (max "
                    + io.crowsnest.detection.inspect.InspectionContext.MAX_BYTE_VARS + ")");
        }
        byteVars.put(name, byteVars.size());
        return byteVars.size() - 1;
    }

    /** Slot of a variable named in a value, or -1 when {@code s} is not a name (a number); error if undeclared. */
    public int byteVar(String s) throws RuleParseException {
        String t = s.trim();
        if (t.isEmpty() || !(Character.isLetter(t.charAt(0)) || t.charAt(0) == '_')
                || t.startsWith("0x") || t.startsWith("0X")) {
            return -1;
        }
        Integer i = byteVars.get(t);
        if (i == null) {
            throw bad(t, "not a number nor a byte_extract variable of this rule");
        }
        return i;
    }

    public ParseContext(ClassificationConfig classifications, FlowbitRegistry flowbits) {
        this.classifications = classifications;
        this.flowbits = flowbits;
    }

    public ClassificationConfig classifications() {
        return classifications;
    }

    public FlowbitRegistry flowbits() {
        return flowbits;
    }

    /** The keyword being parsed (set by the loader). */
    public void keyword(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    /** "bad value 'x' for depth" (the loader appends the column). */
    public RuleParseException bad(String value) {
        return new RuleParseException("bad value '" + value + "' for " + keyword);
    }

    public RuleParseException bad(String value, String why) {
        return new RuleParseException("bad value '" + value + "' for " + keyword + " (" + why + ")");
    }

    public RuleParseException error(String message) {
        return new RuleParseException(message);
    }
}
