package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

import io.crowsnest.detection.inspect.ByteTestMatch;

/** {@code byte_test:nbytes,[!]op,value,offset[,relative][,big|little][,string[,hex|dec|oct]][,bitmask M];} */
public final class ByteTestKeyword implements Keyword {
    public String name() { return "byte_test"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        if (a.length < 4) {
            throw ctx.bad(value, "expected nbytes, operator, value, offset");
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].trim();
        }
        String op = a[1];
        boolean neg = false;
        if (op.startsWith("!")) {
            neg = true;
            op = op.substring(1).trim();
        }
        ByteTestMatch.Op o;
        switch (op) {
            case "<": o = ByteTestMatch.Op.LT; break;
            case ">": o = ByteTestMatch.Op.GT; break;
            case "=": case "": o = ByteTestMatch.Op.EQ; break;
            case "<=": o = ByteTestMatch.Op.LE; break;
            case ">=": o = ByteTestMatch.Op.GE; break;
            case "&": o = ByteTestMatch.Op.AND; break;
            case "^": o = ByteTestMatch.Op.OR; break;
            default: throw ctx.bad(value, "unknown operator '" + a[1] + "'");
        }
        if (op.isEmpty() && !neg) {
            throw ctx.bad(value, "missing operator");
        }
        int valueVar = ctx.byteVar(a[2]);
        int offsetVar = ctx.byteVar(a[3]);
        long val = valueVar >= 0 ? 0 : number(a[2], value, ctx);
        int offset = offsetVar >= 0 ? 0 : offset(a[3], value, ctx);
        boolean relative = false, little = false, big = false, string = false;
        int base = 0;
        long bitmask = 0;
        for (int i = 4; i < a.length; i++) {
            String t = a[i];
            if (t.equals("relative")) {
                relative = true;
            } else if (t.equals("big")) {
                big = true;
            } else if (t.equals("little")) {
                little = true;
            } else if (t.equals("string")) {
                string = true;
            } else if (t.equals("hex") || t.equals("dec") || t.equals("oct")) {
                if (base != 0) {
                    throw ctx.bad(value, "more than one number base");
                }
                base = t.equals("hex") ? 16 : t.equals("dec") ? 10 : 8;
            } else if (t.equals("dce")) {
                throw ctx.error("waiting on app-layer buffer dce");
            } else if (t.startsWith("bitmask")) {
                bitmask = number(t.substring("bitmask".length()).trim(), value, ctx);
            } else {
                throw ctx.bad(value, "unknown option '" + t + "'");
            }
        }
        if (little && big) {
            throw ctx.bad(value, "both big and little endian");
        }
        if (base != 0 && !string) {
            throw ctx.bad(value, "number base without string");
        }
        if (string && (little || big)) {
            throw ctx.bad(value, "string can't have an endianness");
        }
        int nbytes = nbytes(a[0], string, value, ctx);
        ByteTestMatch m = new ByteTestMatch(nbytes, o, neg, val, offset, relative, little, string,
                base == 0 ? 10 : base, bitmask);
        m.valueVar = valueVar;
        m.offsetVar = offsetVar;
        sig.addPayload(m);
        sig.markNotIpOnly();
    }

    static int nbytes(String s, boolean string, String value, ParseContext ctx) throws RuleParseException {
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ctx.bad(value, "bad number of bytes '" + s + "'");
        }
        if (n < 0 || n > (string ? 23 : 8)) {
            throw ctx.bad(value, "number of bytes must be " + (string ? "0..23 with string" : "0..8"));
        }
        return n;
    }

    static long number(String s, String value, ParseContext ctx) throws RuleParseException {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            if (!s.isEmpty() && Character.isLetter(s.charAt(0))) {
                throw ctx.error("byte_extract variable '" + s + "' is not supported");
            }
            throw ctx.bad(value, "bad number '" + s + "'");
        }
    }

    static int offset(String s, String value, ParseContext ctx) throws RuleParseException {
        try {
            long n = Long.parseLong(s);
            if (n < Integer.MIN_VALUE / 2 || n > Integer.MAX_VALUE / 2) {
                throw ctx.bad(value, "offset out of range");
            }
            return (int) n;
        } catch (NumberFormatException e) {
            if (!s.isEmpty() && Character.isLetter(s.charAt(0))) {
                throw ctx.error("byte_extract variable '" + s + "' is not supported");
            }
            throw ctx.bad(value, "bad offset '" + s + "'");
        }
    }
}
