package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.inspect.PostMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code xbits:set|unset|toggle|isset|isnotset,name,track ip_src|ip_dst|ip_pair[,expire SECONDS];}: bits kept
 * per host or address pair across flows ({@link XbitStore}, shared by the workers). isset/isnotset are
 * conditions; set/unset/toggle run after the whole rule matched.
 */
public final class XbitsKeyword implements Keyword {
    public String name() { return "xbits"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        if (a.length < 3) {
            throw ctx.bad(value, "expected command, name, track ip_src|ip_dst|ip_pair");
        }
        String cmd = a[0].trim();
        String name = a[1].trim();
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw ctx.bad(value, "bad xbit name '" + name + "'");
        }
        XbitStore.Track track = null;
        long expire = 0;
        for (int i = 2; i < a.length; i++) {
            String[] kv = a[i].trim().split("\\s+");
            if (kv.length != 2) {
                throw ctx.bad(value, "expected 'track X' or 'expire N'");
            }
            if (kv[0].equals("track")) {
                switch (kv[1]) {
                    case "ip_src": track = XbitStore.Track.IP_SRC; break;
                    case "ip_dst": track = XbitStore.Track.IP_DST; break;
                    case "ip_pair": track = XbitStore.Track.IP_PAIR; break;
                    default: throw ctx.bad(value, "unknown track '" + kv[1] + "'");
                }
            } else if (kv[0].equals("expire")) {
                expire = KeywordSupport.parseLong(kv[1], ctx, 1, Integer.MAX_VALUE);
            } else {
                throw ctx.bad(value, "unknown option '" + kv[0] + "'");
            }
        }
        if (track == null) {
            throw ctx.bad(value, "missing track");
        }
        XbitStore store = ctx.xbits();
        int idx = store.index(name);
        XbitStore.Track t = track;
        long exp = expire;
        switch (cmd) {
            case "isset": sig.addCondition(new IsSet(store, idx, t, true)); break;
            case "isnotset": sig.addCondition(new IsSet(store, idx, t, false)); break;
            case "set": sig.addPostMatch(new Apply(store, idx, t, exp, 0)); break;
            case "unset": sig.addPostMatch(new Apply(store, idx, t, exp, 1)); break;
            case "toggle": sig.addPostMatch(new Apply(store, idx, t, exp, 2)); break;
            default: throw ctx.bad(value, "unknown xbits command '" + cmd + "'");
        }
        sig.markNotIpOnly();
    }

    public record IsSet(XbitStore store, int idx, XbitStore.Track track, boolean want) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return p.ipVersion != 0 && store.isSet(idx, track, p) == want;
        }
    }

    /** op 0 set, 1 unset, 2 toggle. */
    public record Apply(XbitStore store, int idx, XbitStore.Track track, long expire, int op) implements PostMatch {
        public void apply(Packet p, Flow flow) {
            if (p.ipVersion == 0) {
                return;
            }
            switch (op) {
                case 0: store.set(idx, track, p, expire); break;
                case 1: store.unset(idx, track, p); break;
                default: store.toggle(idx, track, p, expire);
            }
        }
    }
}
