package io.strata.producer.spool;

/** The spool cannot read or write its directory. */
public final class SpoolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SpoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
