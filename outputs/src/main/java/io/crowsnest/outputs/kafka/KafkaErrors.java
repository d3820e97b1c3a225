package io.crowsnest.outputs.kafka;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/** One-line explanations of producer errors, for the operator (no stack traces). */
final class KafkaErrors {
    private KafkaErrors() {}

    /**
     * True when the record itself can never be accepted (too large, invalid): retrying would
     * block the spool forever, so it is dropped and counted instead.
     */
    static boolean isPoison(Throwable e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof org.apache.kafka.common.InvalidRecordException;
    }

    /**
     * True when {@code e} is a broker's answer (a TLS handshake or SASL exchange that failed, an
     * ACL that refused): a broker was reached, even if no connection is left open.
     */
    static boolean isBrokerAnswer(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof AuthenticationException || t instanceof AuthorizationException;
    }

    /**
     * What went wrong, in words that name the cause.
     *
     * @param connected whether the producer had a connection to any broker when it failed
     *     (tells "no broker reachable" from "topic missing" after a metadata timeout)
     * @param security how the producer connects (named in TLS and SASL failures)
     */
    static String describe(Throwable e, String bootstrap, String topic, boolean connected, KafkaSecurity security) {
        e = unwrap(e);
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof TopicAuthorizationException) {
            return "not authorized to write to topic '" + topic + "' (the broker's ACLs refuse this client)";
        }
        if (e instanceof ClusterAuthorizationException) {
            return "not authorized by the cluster (" + msg + ")";
        }
        if (e instanceof AuthorizationException) {
            return "not authorized: " + msg;
        }
        if (e instanceof SslAuthenticationException) {
            String root = rootMessage(e);
            return "TLS handshake with " + bootstrap + " failed: " + root
                    + (root.contains("unable to find valid certification path")
                            ? " (the broker's certificate is not signed by a CA in " + security.describeTrust() + ")" : "");
        }
        if (e instanceof AuthenticationException) {
            // SaslAuthenticationException, UnsupportedSaslMechanismException, IllegalSaslStateException…
            return "authentication failed with " + bootstrap
                    + (security.saslMechanism != null ? " (" + security.describeSasl() + ")" : " (no SASL configured)")
                    + ": " + msg;
        }
        if (e instanceof InvalidTopicException) {
            return "topic '" + topic + "' is invalid: " + msg;
        }
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return "record too large for the topic or broker (max.message.bytes / message.max.bytes): " + msg;
        }
        if (e instanceof TimeoutException && msg.contains("not present in metadata")) {
            return connected
                    ? "topic '" + topic + "' does not exist or has no leader (and the broker did not create it)"
                    : "no broker reachable at " + bootstrap;
        }
        if (e instanceof TimeoutException) {
            return (connected ? "" : "no broker reachable at " + bootstrap + "; ")
                    + "records not acknowledged in time: " + msg;
        }
        String root = rootMessage(e);
        if (root.contains("No resolvable bootstrap urls")) {
            return "no address of " + bootstrap + " resolves (DNS)";
        }
        if (msg.startsWith("Failed to construct kafka producer")) {
            return "cannot start the producer: " + root;
        }
        return e.getClass().getSimpleName() + ": " + msg;
    }

    /** The authentication or authorization error a KafkaException wraps (as thrown by send()), else {@code e}. */
    private static Throwable unwrap(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return t;
            }
        }
        return e;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
