package io.strata.local;

/** The local mode cannot start or run; the message says what to do. */
final class LocalModeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LocalModeException(String message) {
        super(message);
    }

    LocalModeException(String message, Throwable cause) {
        super(message, cause);
    }
}
