package io.strata.sink.ingest;

/**
 * The dead letters of a poll could not be published (the broker refused them or did not answer): nothing of the poll
 * was committed, and it is retried with backoff like a database outage. Never a reason to dead-letter the poll's good
 * records, which the container's default recovery would do.
 */
public final class DeadLetterTopicUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DeadLetterTopicUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
