package io.crowsnest.sensor.config;

/** One problem in a config file, printed {@code FILE:LINE:COLUMN: message} like a compiler's. */
public record ConfigError(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
