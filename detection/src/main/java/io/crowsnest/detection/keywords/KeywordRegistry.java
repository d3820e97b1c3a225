package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.AppLayer;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The one list of rule keywords (one line per keyword). The rule parser looks keywords up here only. */
public final class KeywordRegistry {
    private static final List<Keyword> KEYWORDS = List.of(
            new MsgKeyword(),
            new SidKeyword(),
            new RevKeyword(),
            new GidKeyword(),
            new ClasstypeKeyword(),
            new PriorityKeyword(),
            new MetadataKeyword(),
            new ReferenceKeyword(),
            new TargetKeyword(),
            new ContentKeyword(),
            new NocaseKeyword(),
            new DepthKeyword(),
            new OffsetKeyword(),
            new DistanceKeyword(),
            new WithinKeyword(),
            new StartsWithKeyword(),
            new EndsWithKeyword(),
            new FastPatternKeyword(),
            new RawbytesKeyword(),
            new PcreKeyword(),
            new DsizeKeyword(),
            new FlagsKeyword(),
            new ItypeKeyword(),
            new IcodeKeyword(),
            new IpProtoKeyword(),
            new TtlKeyword(),
            new FlowKeyword(),
            new FlowbitsKeyword(),
            new NoalertKeyword(),
            new ThresholdKeyword(),
            new DetectionFilterKeyword(),
            new ByteTestKeyword(),
            new ByteJumpKeyword(),
            new IsDataAtKeyword());

    private static final Map<String, Keyword> BY_NAME;

    static {
        Map<String, Keyword> m = new HashMap<>();
        // app-layer buffers first, so a real keyword of the same name wins once it is bound
        AppLayer.BUFFER_KEYWORDS.forEach((name, buffer) -> m.put(name, new AppLayerBufferKeyword(name, buffer)));
        for (Keyword k : KEYWORDS) {
            m.put(k.name(), k);
            for (String a : k.aliases()) {
                m.put(a, k);
            }
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private KeywordRegistry() {}

    /** The keyword registered under {@code name}, or null. */
    public static Keyword get(String name) {
        return BY_NAME.get(name);
    }

    /** The implemented keywords (app-layer placeholders excluded). */
    public static List<Keyword> all() {
        return KEYWORDS;
    }
}
