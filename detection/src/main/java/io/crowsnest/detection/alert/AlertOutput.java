package io.crowsnest.detection.alert;

import java.io.IOException;

/** Where alerts go (EVE file, and later syslog/HTTP/Kafka). Called from one writer thread. */
public interface AlertOutput extends AutoCloseable {
    void write(Alert alert) throws IOException;

    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
