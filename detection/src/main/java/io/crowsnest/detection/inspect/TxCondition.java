package io.crowsnest.detection.inspect;

import io.crowsnest.applayer.Transaction;
import io.crowsnest.decoders.flow.Flow;

/**
 * A valued app-layer keyword ({@code tls.version:1.2}, {@code dns.opcode:!0} …): a test on a parsed field of
 * a transaction rather than a byte buffer. Evaluated with the rule's buffers, on the transaction and
 * direction the rule fires on. Implementations are immutable and allocation-free.
 */
public interface TxCondition {
    /** The {@link io.crowsnest.applayer.AppProto} whose transactions the condition reads. */
    int appProto();

    /**
     * Which side's data the condition reads: {@link io.crowsnest.applayer.Buf#DIR_TO_SERVER},
     * {@code DIR_TO_CLIENT}, or {@code DIR_BOTH} (the side of the direction being inspected).
     */
    int direction();

    /**
     * {@code tx} is of {@link #appProto()}; {@code toServer} is the direction being inspected; {@code flow}
     * is the transaction's flow (its endpoints), null when there is none.
     */
    boolean match(Transaction tx, boolean toServer, Flow flow);
}
