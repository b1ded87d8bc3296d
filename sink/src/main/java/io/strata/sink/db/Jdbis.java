package io.strata.sink.db;

import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** Builds the {@link Jdbi} the sink uses. */
public final class Jdbis {
    private Jdbis() {}

    /** A Jdbi over the data source; statements bind parameters, never concatenate values. */
    public static Jdbi create(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return Jdbi.create(dataSource);
    }
}
