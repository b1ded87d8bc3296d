package io.strata.schemas.deadletter;

/**
 * Header names of a dead-letter record. Every value is a UTF-8 string; numbers are in decimal.
 *
 * <table>
 *   <caption>Dead-letter headers</caption>
 *   <tr><th>header</th><th>value</th></tr>
 *   <tr><td>{@value #SOURCE}</td><td>the application that wrote the dead letter, e.g. {@code strata-streams}</td></tr>
 *   <tr><td>{@value #TOPIC}</td><td>topic the record was read from</td></tr>
 *   <tr><td>{@value #PARTITION}</td><td>its partition</td></tr>
 *   <tr><td>{@value #OFFSET}</td><td>its offset</td></tr>
 *   <tr><td>{@value #TIMESTAMP}</td><td>its Kafka timestamp, milliseconds since the epoch</td></tr>
 *   <tr><td>{@value #REASON}</td><td>short machine-readable reason code, e.g. {@code decode.truncated}</td></tr>
 *   <tr><td>{@value #ERROR_CLASS}</td><td>class name of the error</td></tr>
 *   <tr><td>{@value #ERROR_MESSAGE}</td><td>the error's message (at most {@value #MAX_MESSAGE_LENGTH} chars)</td></tr>
 * </table>
 */
public final class DeadLetterHeaders {

    /** Prefix of every dead-letter header; a record dead-lettered twice keeps only the latest set. */
    public static final String PREFIX = "strata.dlt.";

    /**
     * The application that wrote the dead letter, e.g. {@code strata-streams} or {@code strata-sink}: two components
     * read the raw topic, and each may dead-letter the same input.
     */
    public static final String SOURCE = PREFIX + "source";

    /** {@link #SOURCE} of the dead letters written by strata-streams. */
    public static final String SOURCE_STREAMS = "strata-streams";

    /** {@link #SOURCE} of the dead letters written by strata-sink. */
    public static final String SOURCE_SINK = "strata-sink";

    /** Topic the failed record was read from. */
    public static final String TOPIC = PREFIX + "topic";

    /** Partition the failed record was read from. */
    public static final String PARTITION = PREFIX + "partition";

    /** Offset of the failed record. */
    public static final String OFFSET = PREFIX + "offset";

    /** Kafka timestamp of the failed record, milliseconds since the epoch. */
    public static final String TIMESTAMP = PREFIX + "timestamp";

    /** Machine-readable reason code, matching {@code [a-z0-9][a-z0-9._-]*}. */
    public static final String REASON = PREFIX + "reason";

    /** Fully qualified class name of the error. */
    public static final String ERROR_CLASS = PREFIX + "error.class";

    /** Message of the error, truncated to {@link #MAX_MESSAGE_LENGTH} characters. */
    public static final String ERROR_MESSAGE = PREFIX + "error.message";

    /** Longest error message kept in {@link #ERROR_MESSAGE}. */
    public static final int MAX_MESSAGE_LENGTH = 1000;

    private DeadLetterHeaders() {}
}
