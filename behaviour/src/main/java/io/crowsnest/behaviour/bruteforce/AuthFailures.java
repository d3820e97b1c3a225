package io.crowsnest.behaviour.bruteforce;

import io.crowsnest.behaviour.TxRecord;
import java.util.Locale;

/**
 * Did a transaction's answer say "wrong credentials"? Trusts {@link TxRecord#authFailure} when the parser
 * set it, else reads the protocol's own signal, so a parser that only fills status / error text still
 * feeds the detector.
 */
final class AuthFailures {
    private AuthFailures() {
    }

    static boolean failed(TxRecord t) {
        if (t.authFailure) {
            return true;
        }
        String err = t.errorText == null ? "" : t.errorText.toUpperCase(Locale.ROOT);
        switch (t.proto) {
            case "http":
                return t.status == 401 || t.status == 403;
            case "redis":
                return t.error && (err.contains("WRONGPASS") || err.contains("NOAUTH")
                        || err.contains("INVALID PASSWORD"));
            case "pgsql":
            case "postgresql":
                return err.contains("28P01") || err.contains("PASSWORD AUTHENTICATION FAILED");
            case "mysql":
                return err.contains("1045") || err.startsWith("ACCESS DENIED");
            case "ftp":
                return t.status == 530 || err.startsWith("530");
            default:
                return false;
        }
    }

    /**
     * Does the transaction count as an attempt in a window? Every HTTP request and Redis command does (a
     * guesser's and a client's alike); for SQL and FTP only logins do, since queries and FTP's LIST or QUIT
     * say nothing about credentials and would dilute the failure share (an FTP guesser's USER is answered
     * 331 before each failing PASS).
     */
    static boolean attempt(TxRecord t) {
        switch (t.proto) {
            case "pgsql":
            case "postgresql":
            case "mysql":
            case "ftp":
                return t.login;
            default:
                return true;
        }
    }

    /** What the failing request asked for: the URI, the command word, or the protocol. */
    static String sample(TxRecord t) {
        if (t.uri != null) {
            return (t.method != null ? t.method + " " : "") + t.uri + (t.status > 0 ? " -> " + t.status : "");
        }
        if (t.command != null) {
            return t.command + (t.errorText != null ? " -> " + t.errorText : "");
        }
        return t.errorText != null ? t.errorText : t.proto;
    }
}
