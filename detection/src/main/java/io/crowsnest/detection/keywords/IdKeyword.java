package io.crowsnest.detection.keywords;

/** {@code id:[!]N;} IPv4 identification field equals N. */
public final class IdKeyword extends HeaderValueKeyword {
    public IdKeyword() {
        super("id", 65535, p -> p.ipVersion == 4 ? p.ipId : -1);
    }
}
