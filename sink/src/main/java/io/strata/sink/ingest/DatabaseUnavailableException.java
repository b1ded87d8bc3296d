package io.strata.sink.ingest;

/**
 * The database cannot take the batch right now (connection lost, pool exhausted, shutdown, serialization failure, a
 * missing table, ...): nothing was committed, and the same batch is retried with backoff.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
