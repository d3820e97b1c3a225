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
     * What went wrong, in words that name the cause.
     *
     * @param connected whether the producer had a connection to any broker when it failed
     *     (tells "no broker reachable" from "topic missing" after a metadata timeout)
     */
    static String describe(Throwable e, String bootstrap, String topic, boolean connected) {
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
            return "TLS handshake with " + bootstrap + " failed: " + rootMessage(e);
        }
        if (e instanceof AuthenticationException) {
            return "authentication with " + bootstrap + " failed: " + msg;
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

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
