package io.strata.sink.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.sink.db.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithEmbeddedPostgres
class MetricSampleCopyIT {

    private static DataSource dataSource;

    @BeforeAll
    static void setUp(EmbeddedPostgres postgres) {
        postgres.createDatabase("it_metric_sample_copy");
        dataSource = postgres.dataSource("it_metric_sample_copy");
        Migrations.migrate(dataSource);
    }

    record Row(long seriesId, Instant measuredAt, double value) {}

    @Test
    void shouldRoundTripEveryRowThroughARealBinaryCopy() throws SQLException {
        List<Row> rows = List.of(
                new Row(1, Instant.parse("2026-11-21T10:15:30.123456Z"), 42.25),
                new Row(Long.MAX_VALUE, Instant.parse("1999-12-31T23:59:59.999999Z"), -0.0),
                new Row(3, Instant.parse("2000-01-01T00:00:00Z"), Double.MAX_VALUE),
                new Row(4, Instant.parse("1970-01-01T00:00:00.000001Z"), Double.MIN_VALUE),
                new Row(5, Instant.parse("2038-01-19T03:14:08Z"), -1e-300));
        SampleBuffer buffer = new SampleBuffer(2);
        rows.forEach(row -> buffer.add(row.seriesId(), row.measuredAt(), row.value()));

        List<Row> stored = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            assertThat(MetricSampleCopy.copy(connection, buffer)).isEqualTo(rows.size());
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery(
                            "SELECT series_id, measured_at, value FROM metric_samples ORDER BY series_id")) {
                while (result.next()) {
                    stored.add(new Row(
                            result.getLong(1),
                            result.getObject(2, OffsetDateTime.class).toInstant(),
                            result.getDouble(3)));
                }
            }
            connection.rollback();
        }

        assertThat(stored).containsExactlyInAnyOrderElementsOf(rows).anySatisfy(row -> assertThat(
                        Double.doubleToRawLongBits(row.value()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0)));
    }

    @Test
    void shouldReportARejectedCopyAndLeaveTheConnectionUsable() throws SQLException {
        SampleBuffer buffer = new SampleBuffer();
        buffer.add(1, Instant.parse("2026-11-21T10:00:00Z"), -1.0);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // Only inside this transaction: a constraint the row breaks.
                statement.execute("ALTER TABLE metric_samples ADD CONSTRAINT it_positive CHECK (value > 0)");
            }
            assertThatThrownBy(() -> MetricSampleCopy.copy(connection, buffer))
                    .isInstanceOf(SQLException.class)
                    .satisfies(error ->
                            assertThat(((SQLException) error).getSQLState()).isEqualTo("23514"));
            connection.rollback();

            assertThat(MetricSampleCopy.copy(connection, buffer)).isEqualTo(1);
            connection.rollback();
        }
    }
}
