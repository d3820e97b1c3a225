package io.crowsnest.outputs.kafka;

import java.util.Locale;
import java.util.Map;

/**
 * How a sender connects: TLS or not (and against which CAs), SASL or not (which mechanism, as
 * whom). Turns into the producer's security settings, and names itself in error messages
 * without the password, which it does not hold once the settings are made.
 */
final class KafkaSecurity {
    static final KafkaSecurity NONE = new KafkaSecurity(false, null, null, null);

    /** Whether connections use TLS. */
    final boolean tls;
    /** PEM file of the CAs the brokers' certificates are verified against; null: the JDK trust store. */
    final String caFile;
    /** PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; null: no SASL. */
    final String saslMechanism;
    final String saslUser;

    private KafkaSecurity(boolean tls, String caFile, String saslMechanism, String saslUser) {
        this.tls = tls;
        this.caFile = caFile;
        this.saslMechanism = saslMechanism;
        this.saslUser = saslUser;
    }

    /** TLS, verifying the brokers' certificates (and host names) against {@code caFile}, or the JDK trust store when null. */
    KafkaSecurity withTls(String caFile) {
        return new KafkaSecurity(true, caFile, saslMechanism, saslUser);
    }

    /** SASL with {@code mechanism} (plain, scram-sha-256, scram-sha-512; any case) as {@code user}. */
    KafkaSecurity withSasl(String mechanism, String user) {
        String m = mechanism.toUpperCase(Locale.ROOT);
        switch (m) {
            case "PLAIN": case "SCRAM-SHA-256": case "SCRAM-SHA-512": break;
            default: throw new IllegalArgumentException("sasl must be plain, scram-sha-256 or scram-sha-512");
        }
        return new KafkaSecurity(tls, caFile, m, user);
    }

    /** Adds the producer settings for this security to {@code c}; {@code password} goes into the JAAS line only. */
    void configure(Map<String, Object> c, String password) {
        if (tls && caFile != null) {
            c.put("ssl.truststore.type", "PEM");
            c.put("ssl.truststore.location", caFile);
        }
        if (saslMechanism != null) {
            String module = saslMechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            c.put("sasl.mechanism", saslMechanism);
            c.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(saslUser)
                    + "\" password=\"" + jaasEscape(password) + "\";");
            c.put("security.protocol", tls ? "SASL_SSL" : "SASL_PLAINTEXT");
        } else if (tls) {
            c.put("security.protocol", "SSL");
        }
    }

    /** "SASL SCRAM-SHA-512, user 'ids'" (for messages; never the password). */
    String describeSasl() {
        return "SASL " + saslMechanism + ", user '" + saslUser + "'";
    }

    /** Where the brokers' certificates are looked up: "ca=FILE" or "the JDK trust store". */
    String describeTrust() {
        return caFile != null ? "ca=" + caFile : "the JDK trust store";
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
