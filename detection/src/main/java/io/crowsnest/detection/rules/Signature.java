package io.crowsnest.detection.rules;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.inspect.PayloadElement;
import io.crowsnest.detection.inspect.PostMatch;
import io.crowsnest.detection.threshold.ThresholdSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One loaded rule. Built by {@link RuleLoader} (the keyword classes fill it through the mutators, which are
 * for parse time only) and read-only afterwards. Thread-safe to read once built.
 */
public final class Signature {
    /** Protocol of the rule header. */
    public enum Proto {
        TCP(6), UDP(17), ICMP(1), ICMPV4(1), ICMPV6(58), SCTP(132), IP(-1), PKTHDR(-2);

        public final int number;

        Proto(int number) {
            this.number = number;
        }

        /** Does a packet with this IP protocol number (0 when not IP) fall under the rule protocol? */
        public boolean matches(int ipVersion, int ipProto) {
            switch (this) {
                case PKTHDR: return true;
                case IP: return ipVersion != 0;
                case ICMP: return ipVersion != 0 && (ipProto == 1 || ipProto == 58);
                default: return ipVersion != 0 && ipProto == number;
            }
        }
    }

    // ---- identity / output ----------------------------------------------------------------------
    private long sid;
    private int gid = 1;
    private int rev;
    private String msg = "";
    private Action action;
    private Classification classification;
    private int explicitPriority;
    private final Map<String, List<String>> metadata;
    private final List<String> references;
    private String target;
    private String sourceFile;
    private int sourceLine;
    private String text;

    // ---- header ---------------------------------------------------------------------------------
    private Proto proto;
    private AddressSet src = AddressSet.ANY, dst = AddressSet.ANY;
    private PortSet srcPorts = PortSet.ANY, dstPorts = PortSet.ANY;
    private boolean bidirectional;

    // ---- options --------------------------------------------------------------------------------
    private final List<PacketCondition> conditions;
    private final List<PayloadElement> payload;
    private final List<PostMatch> postMatches;
    private boolean noalert;
    private ThresholdSpec threshold;
    private ThresholdSpec detectionFilter;
    /** FlowFlags TO_SERVER / TO_CLIENT the rule requires (from {@code flow:}), 0 for either. */
    private int flowDirection;
    private boolean ipOnlyIncompatible;
    private int flowbitsReads, flowbitsWrites;
    private boolean flowbitsOnlySet = true;
    private int maxFlowbit = -1;
    private int maxFlowint = -1;

    // ---- app layer ------------------------------------------------------------------------------
    /** Sticky buffer subsequent payload keywords go to (null: the packet payload). Parse time only. */
    private String currentBuffer;
    /** Payload elements bound to app-layer buffers, by canonical buffer name, in rule order. */
    private final Map<String, List<PayloadElement>> buffers;
    /** Transforms applied to each buffer, by canonical buffer name. */
    private final Map<String, List<String>> transforms;
    private final Map<String, List<io.crowsnest.detection.inspect.Transform>> transformFns;
    /** App-layer protocol of the rule header ({@code alert http …}), or null. */
    private String appProtocol;
    /** What the rule waits on ("app-layer buffer http.uri" …), null when it runs on packets now. */
    private String waitingOn;
    /** The content added last, whichever list it went to (content modifiers apply to it). */
    private ContentMatch lastContent;
    /** Valued app-layer keywords (tls.version:1.2 …), tested on the transaction the rule fires on. */
    private final List<io.crowsnest.detection.inspect.TxCondition> txConditions;

    // ---- engine ---------------------------------------------------------------------------------
    private int num = -1;
    private ContentMatch fastPattern;
    private PayloadElement[] payloadArray;
    private PacketCondition[] conditionArray;
    private PostMatch[] postMatchArray;

    public Signature() {
        this.metadata = new LinkedHashMap<>();
        this.references = new ArrayList<>();
        this.conditions = new ArrayList<>();
        this.payload = new ArrayList<>();
        this.postMatches = new ArrayList<>();
        this.buffers = new LinkedHashMap<>();
        this.transforms = new LinkedHashMap<>();
        this.transformFns = new LinkedHashMap<>();
        this.txConditions = new ArrayList<>();
    }

    /**
     * A copy for another engine, sharing every parsed part (options, patterns, compiled regexes, metadata)
     * with {@code o}, which must be finished: a hot reload reuses the rules whose text did not change
     * instead of holding two parsed copies of the ruleset (ET Open: ~117 MiB) while the new engine is built.
     * Only the engine number is the copy's own (the old engine keeps numbering {@code o}).
     */
    private Signature(Signature o) {
        this.metadata = o.metadata;
        this.references = o.references;
        this.conditions = o.conditions;
        this.payload = o.payload;
        this.postMatches = o.postMatches;
        this.buffers = o.buffers;
        this.transforms = o.transforms;
        this.transformFns = o.transformFns;
        this.txConditions = o.txConditions;
        this.sid = o.sid;
        this.gid = o.gid;
        this.rev = o.rev;
        this.msg = o.msg;
        this.action = o.action;
        this.classification = o.classification;
        this.explicitPriority = o.explicitPriority;
        this.target = o.target;
        this.sourceFile = o.sourceFile;
        this.sourceLine = o.sourceLine;
        this.text = o.text;
        this.proto = o.proto;
        this.src = o.src;
        this.srcPorts = o.srcPorts;
        this.bidirectional = o.bidirectional;
        this.noalert = o.noalert;
        this.threshold = o.threshold;
        this.detectionFilter = o.detectionFilter;
        this.flowDirection = o.flowDirection;
        this.ipOnlyIncompatible = o.ipOnlyIncompatible;
        this.flowbitsWrites = o.flowbitsWrites;
        this.flowbitsOnlySet = o.flowbitsOnlySet;
        this.maxFlowbit = o.maxFlowbit;
        this.maxFlowint = o.maxFlowint;
        this.currentBuffer = o.currentBuffer;
        this.appProtocol = o.appProtocol;
        this.waitingOn = o.waitingOn;
        this.lastContent = o.lastContent;
        this.fastPattern = o.fastPattern;
        this.dst = o.dst;
        this.dstPorts = o.dstPorts;
        this.flowbitsReads = o.flowbitsReads;
        this.payloadArray = o.payloadArray;
        this.conditionArray = o.conditionArray;
        this.postMatchArray = o.postMatchArray;
    }

    /** A copy of this finished signature for another engine, loaded from {@code file:line} (see above). */
    public Signature reuse(String file, int line) {
        if (payloadArray == null) {
            throw new IllegalStateException("only a finished signature can be reused");
        }
        Signature c = new Signature(this);
        c.sourceFile = file;
        c.sourceLine = line;
        return c;
    }

    // ---- getters (EVE writer and engine) --------------------------------------------------------
    public long sid() { return sid; }
    public int gid() { return gid; }
    public int rev() { return rev; }
    public String msg() { return msg; }
    /** The action word as EVE prints it ("alert", "drop", "pass", "reject" …). */
    public String action() { return action == null ? null : action.word(); }
    public Action actionType() { return action; }
    /** Classtype short name, or null. */
    public String classtype() { return classification == null ? null : classification.name(); }
    /** The classification description (EVE "category"), "" when no classtype. */
    public String category() { return classification == null ? "" : classification.description(); }
    /** Explicit {@code priority:} over the classtype's, 3 when neither (Suricata's default). */
    public int priority() {
        if (explicitPriority > 0) {
            return explicitPriority;
        }
        return classification != null ? classification.priority() : 3;
    }
    /** EVE alert.severity (= {@link #priority()}). */
    public int severity() { return priority(); }
    /** Metadata key to values, in rule order. */
    public Map<String, List<String>> metadata() { return Collections.unmodifiableMap(metadata); }
    public List<String> references() { return Collections.unmodifiableList(references); }
    /** "src_ip", "dest_ip" or null. */
    public String target() { return target; }
    public String sourceFile() { return sourceFile; }
    public int sourceLine() { return sourceLine; }
    /** The rule text as loaded (continuation lines joined). */
    public String text() { return text; }
    public Proto proto() { return proto; }
    public AddressSet src() { return src; }
    public AddressSet dst() { return dst; }
    public PortSet srcPorts() { return srcPorts; }
    public PortSet dstPorts() { return dstPorts; }
    public boolean bidirectional() { return bidirectional; }
    public List<PacketCondition> conditions() { return Collections.unmodifiableList(conditions); }
    public List<PayloadElement> payload() { return Collections.unmodifiableList(payload); }
    public List<PostMatch> postMatches() { return Collections.unmodifiableList(postMatches); }
    public boolean noalert() { return noalert; }
    public ThresholdSpec threshold() { return threshold; }
    public ThresholdSpec detectionFilter() { return detectionFilter; }
    public int flowDirection() { return flowDirection; }
    public int flowbitsReads() { return flowbitsReads; }
    public int flowbitsWrites() { return flowbitsWrites; }
    public int maxFlowbit() { return maxFlowbit; }
    public int maxFlowint() { return maxFlowint; }
    /** App-layer buffers the rule inspects, with their elements (bound when the app layer feeds them). */
    public Map<String, List<PayloadElement>> buffers() { return Collections.unmodifiableMap(buffers); }
    public Map<String, List<String>> transforms() { return Collections.unmodifiableMap(transforms); }
    public String appProtocol() { return appProtocol; }
    /** Valued app-layer keywords, in rule order. */
    public List<io.crowsnest.detection.inspect.TxCondition> txConditions() {
        return Collections.unmodifiableList(txConditions);
    }
    /**
     * Null when the rule runs on packets now; else what it waits on, e.g. "app-layer buffer http.uri" or
     * "app-layer protocol http". Such a rule is complete but the engine does not evaluate it until the app
     * layer feeds its buffers.
     */
    public String waitingOn() {
        if (waitingOn != null) {
            return waitingOn;
        }
        return appProtocol != null ? "app-layer protocol " + appProtocol : null;
    }
    /** Engine-internal order number (position in the sorted signature array), -1 before the engine is built. */
    public int num() { return num; }
    public ContentMatch fastPattern() { return fastPattern; }

    /**
     * Suricata's IP-only: only addresses (ports any) and IP-only compatible keywords (msg, classtype,
     * metadata, flowbits:set, threshold …). Such a rule is evaluated on the first packet of each flow direction.
     */
    public boolean isIpOnly() {
        return !ipOnlyIncompatible && payload.isEmpty() && conditions.isEmpty() && srcPorts.isAny()
                && dstPorts.isAny() && flowbitsOnlySet && flowDirection == 0
                && proto != Proto.PKTHDR;
    }

    /** Suricata sig-order flowbits class: 3 set-only, 2 set+read, 1 read-only, 0 none (higher runs first). */
    public int flowbitsOrderClass() {
        if (flowbitsWrites > 0 && flowbitsReads == 0) {
            return 3;
        }
        if (flowbitsWrites > 0) {
            return 2;
        }
        return flowbitsReads > 0 ? 1 : 0;
    }

    // ---- parse-time mutators --------------------------------------------------------------------
    public void setSid(long sid) { this.sid = sid; }
    public void setGid(int gid) { this.gid = gid; }
    public void setRev(int rev) { this.rev = rev; }
    public void setMsg(String msg) { this.msg = msg; }
    public void setAction(Action action) { this.action = action; }
    public void setClassification(Classification c) { this.classification = c; }
    public void setExplicitPriority(int p) { this.explicitPriority = p; }
    public void addMetadata(String key, String value) {
        metadata.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    public void addReference(String ref) { references.add(ref); }
    public void setTarget(String target) { this.target = target; }
    public void setSource(String file, int line, String text) {
        this.sourceFile = file;
        this.sourceLine = line;
        this.text = text;
    }
    public void setHeader(Proto proto, AddressSet src, PortSet sp, boolean bidirectional, AddressSet dst, PortSet dp) {
        this.proto = proto;
        this.src = src;
        this.srcPorts = sp;
        this.bidirectional = bidirectional;
        this.dst = dst;
        this.dstPorts = dp;
    }
    public void addCondition(PacketCondition c) { conditions.add(c); }
    /** Adds to the current list: the sticky buffer's when one is active, else the packet payload's. */
    public void addPayload(PayloadElement e) {
        currentList().add(e);
        if (e instanceof ContentMatch c) {
            lastContent = c;
        }
    }

    /** Adds an element to an app-layer buffer without making it sticky (urilen, pcre /U …). */
    public void addToBuffer(String buffer, PayloadElement e) {
        buffers.computeIfAbsent(buffer, k -> new ArrayList<>()).add(e);
        waitOn("app-layer buffer " + buffer);
    }

    /** Adds a valued app-layer keyword ({@code keyword} names it for {@code rules check}). */
    public void addTxCondition(String keyword, io.crowsnest.detection.inspect.TxCondition c) {
        txConditions.add(c);
        ipOnlyIncompatible = true;
        waitOn("app-layer keyword " + keyword);
    }

    /** Makes {@code buffer} (canonical name; null for the packet payload) the sticky buffer. */
    public void setCurrentBuffer(String buffer) {
        currentBuffer = buffer;
        if (buffer != null) {
            buffers.computeIfAbsent(buffer, k -> new ArrayList<>());
            waitOn("app-layer buffer " + buffer);
        }
    }

    /** The active sticky buffer, or null for the packet payload. */
    public String currentBuffer() { return currentBuffer; }

    /** Legacy content modifier ({@code http_uri;} …): moves the last payload content to {@code buffer}. */
    public void moveLastContentTo(String buffer, ContentMatch c) {
        currentList().remove(c);
        buffers.computeIfAbsent(buffer, k -> new ArrayList<>()).add(c);
        waitOn("app-layer buffer " + buffer);
    }

    /** Records a transform on the active sticky buffer. */
    public void addTransform(String buffer, String transform, io.crowsnest.detection.inspect.Transform fn) {
        transforms.computeIfAbsent(buffer, k -> new ArrayList<>()).add(transform);
        transformFns.computeIfAbsent(buffer, k -> new ArrayList<>()).add(fn);
    }

    /** Applies the buffer's transforms in rule order (for the app layer; {@code in} unchanged when none). */
    public byte[] transform(String buffer, byte[] in) {
        byte[] b = in;
        for (io.crowsnest.detection.inspect.Transform t : transformFns.getOrDefault(buffer, List.of())) {
            b = t.apply(b);
        }
        return b;
    }

    /** Records that the rule needs something the packet engine does not feed yet (first reason wins). */
    public void waitOn(String what) {
        if (waitingOn == null) {
            waitingOn = what;
        }
    }

    public void setAppProtocol(String proto) {
        this.appProtocol = proto;
    }

    public void noteFlowint(int index) { maxFlowint = Math.max(maxFlowint, index); }

    private List<PayloadElement> currentList() {
        return currentBuffer == null ? payload : buffers.get(currentBuffer);
    }
    public void addPostMatch(PostMatch m) { postMatches.add(m); }
    public void setNoalert() { this.noalert = true; }
    public void setThreshold(ThresholdSpec t) { this.threshold = t; }
    public void setDetectionFilter(ThresholdSpec t) { this.detectionFilter = t; }
    public void requireFlowDirection(int flowFlag) { this.flowDirection |= flowFlag; }
    public void markNotIpOnly() { this.ipOnlyIncompatible = true; }
    /** Records flowbits use for ordering and IP-only classification. */
    public void noteFlowbits(boolean read, boolean write, boolean setOnly, int index) {
        if (read) {
            flowbitsReads++;
        }
        if (write) {
            flowbitsWrites++;
        }
        if (!setOnly) {
            flowbitsOnlySet = false;
        }
        maxFlowbit = Math.max(maxFlowbit, index);
    }

    /** The content added last (to any list; a legacy modifier may have moved it), or null. */
    public ContentMatch lastContent() {
        return lastContent;
    }

    /** The current list (sticky buffer or packet payload), read-only. */
    public List<PayloadElement> currentPayload() {
        return Collections.unmodifiableList(currentList());
    }

    /** The last payload element, or null. */
    public PayloadElement lastPayload() {
        List<PayloadElement> payload = currentList();
        return payload.isEmpty() ? null : payload.get(payload.size() - 1);
    }

    // ---- engine side ----------------------------------------------------------------------------
    /** Freezes the option lists into arrays and picks the fast pattern; called by the loader. */
    public void finish() {
        payloadArray = payload.toArray(new PayloadElement[0]);
        io.crowsnest.detection.inspect.PayloadInspector.link(payloadArray);
        conditionArray = conditions.toArray(new PacketCondition[0]);
        postMatchArray = postMatches.toArray(new PostMatch[0]);
        for (List<PayloadElement> l : buffers.values()) {
            io.crowsnest.detection.inspect.PayloadInspector.link(l.toArray(new PayloadElement[0]));
        }
        fastPattern = null;
        // contents after base64_data inspect decoded bytes, never the raw payload: not prefilter candidates
        List<PayloadElement> raw = payload;
        for (int i = 0; i < payload.size(); i++) {
            if (payload.get(i) instanceof io.crowsnest.detection.inspect.Base64DataMatch) {
                raw = payload.subList(0, i);
                break;
            }
        }
        for (PayloadElement e : raw) {
            if (e instanceof ContentMatch c && c.fastPattern && !c.negated) {
                fastPattern = c;
                break;
            }
        }
        if (fastPattern == null) {
            for (PayloadElement e : raw) {
                if (e instanceof ContentMatch c && !c.negated
                        && (fastPattern == null || c.pattern.length > fastPattern.pattern.length)) {
                    fastPattern = c;
                }
            }
        }
    }

    public void setNum(int num) { this.num = num; }
    public PayloadElement[] payloadArray() { return payloadArray; }
    public PacketCondition[] conditionArray() { return conditionArray; }
    public PostMatch[] postMatchArray() { return postMatchArray; }

    @Override
    public String toString() {
        return gid + ":" + sid + ":" + rev + " " + msg;
    }
}
