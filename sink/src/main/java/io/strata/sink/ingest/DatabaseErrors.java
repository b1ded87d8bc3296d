package io.strata.sink.ingest;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Optional;

/**
 * Tells a database failure that is a record's fault (PostgreSQL rejected a value: data exception 22, integrity
 * violation 23, program limit 54; or a writer threw {@link PoisonRecordException}) from one that is not (connection lost 08, resources 53, shutdown 57, serialization
 * 40, missing table 42, pool timeouts, ...): the first kind is dead-lettered, the second retried with backoff.
 */
final class DatabaseErrors {

    private DatabaseErrors() {}

    /** The SQLException behind {@code error}, if any. */
    static Optional<SQLException> sqlException(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code error} is PostgreSQL rejecting the data of a record. */
    static boolean isRecordFault(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof PoisonRecordException) {
                return true; // a state writer found the record at fault
            }
        }
        Optional<SQLException> sql = sqlException(error);
        if (sql.isEmpty()) {
            return false;
        }
        SQLException exception = sql.get();
        if (exception instanceof SQLTransientException || exception instanceof SQLRecoverableException) {
            return false;
        }
        String state = exception.getSQLState();
        if (state == null || state.length() < 2) {
            return false;
        }
        String message = String.valueOf(exception.getMessage());
        if (message.contains("no partition of relation")) {
            return false; // a missing partition is the schema's problem, not the record's: retry
        }
        String sqlClass = state.substring(0, 2);
        return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("54");
    }

    /** Whether {@code error} comes from the database or the connection to it (as opposed to a bug). */
    static boolean isDatabaseError(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof SQLException
                    || current instanceof org.jdbi.v3.core.JdbiException
                    || current instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** SQLState of the error, or {@code "unknown"}. */
    static String sqlState(Throwable error) {
        return sqlException(error)
                .map(SQLException::getSQLState)
                .filter(state -> state != null)
                .orElse("unknown");
    }
}
