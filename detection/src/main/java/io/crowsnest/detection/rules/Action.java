package io.crowsnest.detection.rules;

/** A rule's action, as Suricata spells it. */
public enum Action {
    ALERT("alert"), DROP("drop"), PASS("pass"), REJECT("reject"), REJECTSRC("rejectsrc"),
    REJECTDST("rejectdst"), REJECTBOTH("rejectboth");

    private final String word;

    Action(String word) {
        this.word = word;
    }

    /** The rule keyword ("alert", "drop" …), which is also what EVE prints for the rule action. */
    public String word() {
        return word;
    }

    /** Suricata's default action-order: pass, drop, reject*, alert (lower runs first). */
    public int order() {
        switch (this) {
            case PASS: return 0;
            case DROP: return 1;
            case REJECT: case REJECTSRC: case REJECTDST: case REJECTBOTH: return 2;
            default: return 3;
        }
    }

    public static Action parse(String s) {
        for (Action a : values()) {
            if (a.word.equals(s)) {
                return a;
            }
        }
        return null;
    }
}
