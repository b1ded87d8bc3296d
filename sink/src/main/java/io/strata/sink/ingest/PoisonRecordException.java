package io.strata.sink.ingest;

import java.util.Objects;

/** A record that is at fault: it goes to the dead-letter topic with {@link #reason()}, never retried. */
final class PoisonRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    PoisonRecordException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    PoisonRecordException(Rejection rejection) {
        this(rejection.reason(), rejection.message(), null);
    }

    /** Dead-letter reason code. */
    String reason() {
        return reason;
    }
}
