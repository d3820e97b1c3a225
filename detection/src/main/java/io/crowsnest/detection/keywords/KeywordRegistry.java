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
            new IsDataAtKeyword(),
            new ByteExtractKeyword(),
            new ByteMathKeyword(),
            new StreamSizeKeyword(),
            new XbitsKeyword(),
            new WorkloadKeyword(),
            new FlowintKeyword(),
            new FragbitsKeyword(),
            new FragoffsetKeyword(),
            new TosKeyword(),
            new IdKeyword(),
            new IpoptsKeyword(),
            new SeqKeyword(),
            new AckKeyword(),
            new WindowKeyword(),
            new IcmpIdKeyword(),
            new IcmpSeqKeyword(),
            new SameipKeyword(),
            new TagKeyword(),
            new AppLayerProtocolKeyword(),
            new TlsVersionKeyword(),
            DnsHeaderKeyword.opcode(),
            DnsHeaderKeyword.rcode(),
            DnsHeaderKeyword.rrtype(),
            new Asn1Keyword(),
            new AppLayerEventKeyword(),
            new FtpbounceKeyword(),
            SshVersionKeyword.protoversion(),
            SshVersionKeyword.softwareversion(),
            new SslVersionKeyword(),
            TlsCertValidityKeyword.notBefore(),
            TlsCertValidityKeyword.notAfter(),
            TlsCertValidityKeyword.expired(),
            TlsCertValidityKeyword.valid(),
            new Base64DecodeKeyword(),
            new Base64DataKeyword(),
            new PktDataKeyword(),
            new BsizeKeyword(),
            new UrilenKeyword(),
            new UricontentKeyword(),
            new TransformKeyword("to_lowercase", Transforms::toLowercase),
            new TransformKeyword("to_uppercase", Transforms::toUppercase),
            new TransformKeyword("strip_whitespace", Transforms::stripWhitespace),
            new TransformKeyword("compress_whitespace", Transforms::compressWhitespace),
            new TransformKeyword("url_decode", Transforms::urlDecode),
            new TransformKeyword("dotprefix", Transforms::dotprefix),
            new TransformKeyword("header_lowercase", Transforms::headerLowercase),
            new TransformKeyword("to_md5", Transforms.digest("MD5")),
            new TransformKeyword("to_sha1", Transforms.digest("SHA-1")),
            new TransformKeyword("to_sha256", Transforms.digest("SHA-256")),
            new TransformKeyword("xor", Keyword.ValueMode.REQUIRED, Transforms::xor),
            new TransformKeyword("pcrexform", Keyword.ValueMode.REQUIRED, Transforms::pcrexform));

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
