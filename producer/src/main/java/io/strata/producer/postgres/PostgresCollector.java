package io.strata.producer.postgres;

import io.strata.producer.collect.Samples;
import io.strata.producer.config.PostgresTarget;
import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import io.strata.schemas.avro.ReplicationSlot;
import io.strata.schemas.avro.WalReceiver;
import io.strata.schemas.hash.ContentHash;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL instance watched over JDBC: server metrics (category {@code postgresql}, label {@code instance}) into
 * the node's batches, and its {@link PostgresState} (settings, replication links and slots, WAL receiver, schema of
 * the configured databases). Credentials are never logged; the instance is named {@code host:port}.
 *
 * <p>A database that is down does not stop anything else: {@code postgresql/up} is 0, the failure is logged once when
 * it starts and once when it ends, and the connection is retried on the next round. Not thread-safe: one collecting
 * thread.
 */
public final class PostgresCollector implements AutoCloseable {

    /**
     * A standby's replay lag in bytes. Its receiver restarts streaming at a segment start, which can trail what was
     * already replayed from local WAL: received behind replayed means no lag, not a negative one.
     */
    private static final String REPLICA_REPLAY_LAG_BYTES = " greatest(coalesce("
            + "pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0), 0)::bigint";

    /** A standby's replay lag in ms: 0 when all it received is replayed (the last replay may be long ago). */
    private static final String REPLICA_REPLAY_LAG_MS = " case when pg_last_wal_receive_lsn() is null"
            + " or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0"
            + " else greatest((extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::bigint, 0) end";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCollector.class);
    private static final String CATEGORY = "postgresql";
    private static final int TIMEOUT_SECONDS = 5;

    private final PostgresTarget target;
    private final String instance;
    private final String defaultDatabase;
    private Connection connection;
    private Boolean up;
    private String serverVersion;

    /** A collector for {@code target}; nothing is opened until the first collection. */
    public PostgresCollector(PostgresTarget target) {
        this.target = Objects.requireNonNull(target, "target");
        Properties parsed = Driver.parseURL(target.url(), new Properties());
        if (parsed == null) {
            throw new IllegalArgumentException("Not a PostgreSQL JDBC URL: probe.postgres." + target.name() + ".url");
        }
        String host = parsed.getProperty("PGHOST", "localhost").split(",")[0];
        String port = parsed.getProperty("PGPORT", "5432").split(",")[0];
        this.instance = host + ":" + port;
        this.defaultDatabase = parsed.getProperty("PGDBNAME", "postgres");
    }

    /** The instance as {@code host:port}. */
    public String instance() {
        return instance;
    }

    /** The configured name of the instance. */
    public String name() {
        return target.name();
    }

    /** The server version seen last, for the node's software inventory. */
    public Optional<NodeSoftware> software() {
        if (serverVersion == null) {
            return Optional.empty();
        }
        Map<String, String> metadata = new TreeMap<>();
        metadata.put("instance", instance);
        metadata.put("name", target.name());
        return Optional.of(NodeSoftware.newBuilder()
                .setSoftwareName("postgresql")
                .setSoftwareVersion(serverVersion)
                .setRuntimeMode("server")
                .setIsActive(true)
                .setMetadata(metadata)
                .build());
    }

    /** Adds the instance's metrics to {@code out}; {@code postgresql/up} says whether it answered. */
    public void collectMetrics(Samples out) {
        try {
            Connection db = connection();
            boolean recovery = queryBoolean(db, "select pg_is_in_recovery()");
            out.gauge(CATEGORY, "in_recovery", null, recovery ? 1 : 0, "instance", instance);
            try (Statement statement = db.createStatement();
                    ResultSet rows =
                            statement.executeQuery("select coalesce(state, 'unknown'), count(*) from pg_stat_activity"
                                    + " where backend_type = 'client backend' group by 1 order by 1")) {
                while (rows.next()) {
                    out.gauge(
                            CATEGORY,
                            "connections",
                            "connections",
                            rows.getLong(2),
                            "instance",
                            instance,
                            "state",
                            rows.getString(1));
                }
            }
            databaseMetrics(db, out);
            walMetrics(db, out, recovery);
            setUp(true, null);
            out.gauge(CATEGORY, "up", null, 1, "instance", instance);
        } catch (SQLException e) {
            setUp(false, e);
            closeConnection();
            out.gauge(CATEGORY, "up", null, 0, "instance", instance);
        }
    }

    private void databaseMetrics(Connection db, Samples out) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select datname, xact_commit, xact_rollback, blks_hit,"
                        + " blks_read, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, deadlocks,"
                        + " pg_database_size(datid) from pg_stat_database d"
                        + " where datname is not null and exists (select 1 from pg_database p where p.oid = d.datid"
                        + " and p.datallowconn) order by datname")) {
            while (rows.next()) {
                String database = rows.getString(1);
                String[] labels = {"instance", instance, "database", database};
                out.counter(CATEGORY, "xact_commit", "transactions", rows.getLong(2), labels);
                out.counter(CATEGORY, "xact_rollback", "transactions", rows.getLong(3), labels);
                out.counter(CATEGORY, "blks_hit", "blocks", rows.getLong(4), labels);
                out.counter(CATEGORY, "blks_read", "blocks", rows.getLong(5), labels);
                out.counter(CATEGORY, "tup_returned", "rows", rows.getLong(6), labels);
                out.counter(CATEGORY, "tup_fetched", "rows", rows.getLong(7), labels);
                out.counter(CATEGORY, "tup_inserted", "rows", rows.getLong(8), labels);
                out.counter(CATEGORY, "tup_updated", "rows", rows.getLong(9), labels);
                out.counter(CATEGORY, "tup_deleted", "rows", rows.getLong(10), labels);
                out.counter(CATEGORY, "deadlocks", "deadlocks", rows.getLong(11), labels);
                out.gauge(CATEGORY, "database_size_bytes", "bytes", rows.getLong(12), labels);
            }
        }
    }

    private void walMetrics(Connection db, Samples out, boolean recovery) throws SQLException {
        if (!recovery) {
            out.counter(
                    CATEGORY,
                    "wal_bytes",
                    "bytes",
                    queryLong(db, "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"),
                    "instance",
                    instance);
            try (Statement statement = db.createStatement();
                    ResultSet rows = statement.executeQuery("select coalesce(application_name, ''),"
                            + " coalesce(host(client_addr), ''),"
                            + " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,"
                            + " (extract(epoch from coalesce(replay_lag, interval '0')) * 1000)::bigint"
                            + " from pg_stat_replication order by 1, 2")) {
                while (rows.next()) {
                    String[] labels = {
                        "instance", instance, "replica", rows.getString(1), "client_addr", rows.getString(2)
                    };
                    long lagBytes = rows.getLong(3);
                    if (!rows.wasNull()) {
                        out.gauge(CATEGORY, "replication_lag_bytes", "bytes", lagBytes, labels);
                    }
                    out.gauge(CATEGORY, "replication_lag_ms", "ms", rows.getLong(4), labels);
                }
            }
        } else {
            try (Statement statement = db.createStatement();
                    ResultSet rows = statement.executeQuery("select"
                            + " pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::bigint,"
                            + REPLICA_REPLAY_LAG_BYTES + ","
                            + REPLICA_REPLAY_LAG_MS)) {
                if (rows.next()) {
                    long received = rows.getLong(1);
                    if (!rows.wasNull()) {
                        out.counter(CATEGORY, "wal_received_bytes", "bytes", received, "instance", instance);
                    }
                    out.gauge(CATEGORY, "replay_lag_bytes", "bytes", rows.getLong(2), "instance", instance);
                    out.gauge(CATEGORY, "replay_lag_ms", "ms", rows.getLong(3), "instance", instance);
                }
            }
        }
    }

    /**
     * The instance's state now, or empty when it cannot be reached (logged once per outage).
     *
     * @param nodeId the node the probe runs on
     * @param now the collection time
     */
    public Optional<PostgresState> collectState(String nodeId, Instant now) {
        try {
            Connection db = connection();
            PostgresState state = PostgresState.newBuilder()
                    .setNodeId(nodeId)
                    .setInstance(instance)
                    .setCollectedAt(now)
                    .setContentHash("")
                    .setServerVersion(queryString(db, "show server_version"))
                    .setServerVersionNum((int) queryLong(db, "select current_setting('server_version_num')::int"))
                    .setInRecovery(queryBoolean(db, "select pg_is_in_recovery()"))
                    .setSettings(settings(db))
                    .setReplicationLinks(replicationLinks(db))
                    .setReplicationSlots(replicationSlots(db))
                    .setWalReceiver(walReceiver(db).orElse(null))
                    .setSchemaObjects(schemaObjects(db))
                    .build();
            state.setContentHash(ContentHash.of(state));
            serverVersion = state.getServerVersion();
            setUp(true, null);
            return Optional.of(state);
        } catch (SQLException e) {
            setUp(false, e);
            closeConnection();
            return Optional.empty();
        }
    }

    private static List<PostgresSetting> settings(Connection db) throws SQLException {
        List<PostgresSetting> settings = new ArrayList<>();
        Map<String, String> pending = pendingValues(db);
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select name, setting, unit, category, short_desc, context,"
                        + " source, pending_restart from pg_settings order by name")) {
            while (rows.next()) {
                String name = rows.getString(1);
                boolean pendingRestart = rows.getBoolean(8);
                settings.add(PostgresSetting.newBuilder()
                        .setSettingName(name)
                        .setSettingValue(rows.getString(2))
                        .setSettingUnit(rows.getString(3))
                        .setSettingCategory(rows.getString(4))
                        .setSettingShortDesc(rows.getString(5))
                        .setContext(rows.getString(6))
                        .setSource(rows.getString(7))
                        .setRequiresRestart(pendingRestart)
                        .setPendingValue(pendingRestart ? pending.get(name) : null)
                        .build());
            }
        }
        return settings;
    }

    /** What the configuration files say for settings that wait for a restart (needs pg_read_all_settings). */
    private static Map<String, String> pendingValues(Connection db) {
        Map<String, String> pending = new TreeMap<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select name, setting from pg_file_settings where error is null order by seqno")) {
            while (rows.next()) {
                pending.put(rows.getString(1), rows.getString(2)); // the last one in the files wins
            }
        } catch (SQLException e) {
            LOG.debug("pg_file_settings is not readable; pending values stay unknown", e);
        }
        return pending;
    }

    private static List<ReplicationLink> replicationLinks(Connection db) throws SQLException {
        List<ReplicationLink> links = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select r.application_name, host(r.client_addr),"
                        + " r.client_hostname, r.state, r.sync_state,"
                        + " (select s.slot_name from pg_replication_slots s where s.active_pid = r.pid),"
                        + " r.sent_lsn::text, r.replay_lsn::text,"
                        + " pg_wal_lsn_diff(r.sent_lsn, r.write_lsn)::bigint,"
                        + " pg_wal_lsn_diff(r.sent_lsn, r.flush_lsn)::bigint,"
                        + " case when pg_is_in_recovery() then null"
                        + " else pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint end,"
                        + " (extract(epoch from r.write_lag) * 1000)::bigint,"
                        + " (extract(epoch from r.flush_lag) * 1000)::bigint,"
                        + " (extract(epoch from r.replay_lag) * 1000)::bigint,"
                        + " r.reply_time"
                        + " from pg_stat_replication r order by r.application_name, host(r.client_addr)")) {
            while (rows.next()) {
                links.add(ReplicationLink.newBuilder()
                        .setApplicationName(rows.getString(1))
                        .setClientAddress(rows.getString(2))
                        .setClientHostname(rows.getString(3))
                        .setState(rows.getString(4))
                        .setSyncState(rows.getString(5))
                        .setSlotName(rows.getString(6))
                        .setSentLsn(rows.getString(7))
                        .setReplayLsn(rows.getString(8))
                        .setWriteLagBytes(nullableLong(rows, 9))
                        .setFlushLagBytes(nullableLong(rows, 10))
                        .setReplayLagBytes(nullableLong(rows, 11))
                        .setWriteLagMs(nullableLong(rows, 12))
                        .setFlushLagMs(nullableLong(rows, 13))
                        .setReplayLagMs(nullableLong(rows, 14))
                        .setReplyAt(instant(rows.getTimestamp(15)))
                        .build());
            }
        }
        return links;
    }

    private static List<ReplicationSlot> replicationSlots(Connection db) throws SQLException {
        List<ReplicationSlot> slots = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select slot_name, slot_type, plugin, database, active,"
                        + " active_pid, restart_lsn::text, confirmed_flush_lsn::text,"
                        + " case when pg_is_in_recovery() or restart_lsn is null then null"
                        + " else pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint end,"
                        + " wal_status from pg_replication_slots order by slot_name")) {
            while (rows.next()) {
                slots.add(ReplicationSlot.newBuilder()
                        .setSlotName(rows.getString(1))
                        .setSlotType(rows.getString(2))
                        .setPlugin(rows.getString(3))
                        .setDatabase(rows.getString(4))
                        .setActive(rows.getBoolean(5))
                        .setActivePid(nullableInt(rows, 6))
                        .setRestartLsn(rows.getString(7))
                        .setConfirmedFlushLsn(rows.getString(8))
                        .setRetainedBytes(nullableLong(rows, 9))
                        .setWalStatus(rows.getString(10))
                        .build());
            }
        }
        return slots;
    }

    private static Optional<WalReceiver> walReceiver(Connection db) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select status, sender_host, sender_port, slot_name,"
                        + " flushed_lsn::text, latest_end_lsn::text, last_msg_receipt_time,"
                        + REPLICA_REPLAY_LAG_BYTES + "," + REPLICA_REPLAY_LAG_MS
                        + " from pg_stat_wal_receiver")) {
            if (!rows.next()) {
                return Optional.empty();
            }
            return Optional.of(WalReceiver.newBuilder()
                    .setStatus(rows.getString(1))
                    .setSenderHost(rows.getString(2))
                    .setSenderPort(nullableInt(rows, 3))
                    .setSlotName(rows.getString(4))
                    .setReceivedLsn(rows.getString(5))
                    .setLatestEndLsn(rows.getString(6))
                    .setLastMessageReceiptAt(instant(rows.getTimestamp(7)))
                    .setReplayLagBytes(nullableLong(rows, 8))
                    .setReplayLagMs(nullableLong(rows, 9))
                    .build());
        }
    }

    private List<DatabaseSchemaEntry> schemaObjects(Connection db) throws SQLException {
        List<String> databases = target.databases().isEmpty() ? List.of(defaultDatabase) : target.databases();
        List<DatabaseSchemaEntry> entries = new ArrayList<>();
        for (String database : databases) {
            if (database.equals(defaultDatabase)) {
                describe(db, database, entries);
            } else {
                try (Connection other = open(database)) {
                    describe(other, database, entries);
                }
            }
        }
        return entries;
    }

    private static void describe(Connection db, String database, List<DatabaseSchemaEntry> entries)
            throws SQLException {
        String userSchemas = " n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'"
                + " and n.nspname not like 'pg_temp%'";
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select n.nspname, c.relname, a.attname,"
                        + " format_type(a.atttypid, a.atttypmod), not a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
                        + " exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary"
                        + " and a.attnum = any(i.indkey)),"
                        + " fk.ref_table, fk.ref_column, pg_total_relation_size(c.oid)"
                        + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                        + " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
                        + " left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum"
                        + " left join lateral (select rn.nspname || '.' || r.relname as ref_table,"
                        + " ra.attname as ref_column from pg_constraint k"
                        + " join pg_class r on r.oid = k.confrelid join pg_namespace rn on rn.oid = r.relnamespace"
                        + " join pg_attribute ra on ra.attrelid = k.confrelid"
                        + " and ra.attnum = k.confkey[array_position(k.conkey, a.attnum)]"
                        + " where k.conrelid = c.oid and k.contype = 'f' and a.attnum = any(k.conkey)"
                        + " order by k.conname limit 1) fk on true"
                        + " where c.relkind in ('r', 'p') and" + userSchemas
                        + " order by n.nspname, c.relname, a.attnum")) {
            while (rows.next()) {
                entries.add(DatabaseSchemaEntry.newBuilder()
                        .setDatabaseName(database)
                        .setSchemaName(rows.getString(1))
                        .setTableName(rows.getString(2))
                        .setColumnName(rows.getString(3))
                        .setDataType(rows.getString(4))
                        .setIsNullable(rows.getBoolean(5))
                        .setColumnDefault(rows.getString(6))
                        .setIsPrimaryKey(rows.getBoolean(7))
                        .setForeignKeyTable(rows.getString(8))
                        .setForeignKeyColumn(rows.getString(9))
                        .setTableSizeBytes(nullableLong(rows, 10))
                        .build());
            }
        }
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select n.nspname, t.relname, i.relname, am.amname,"
                        + " pg_get_indexdef(i.oid), pg_relation_size(i.oid), pg_total_relation_size(t.oid)"
                        + " from pg_index x join pg_class i on i.oid = x.indexrelid"
                        + " join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace"
                        + " join pg_am am on am.oid = i.relam"
                        + " where t.relkind in ('r', 'p') and" + userSchemas
                        + " order by n.nspname, t.relname, i.relname")) {
            while (rows.next()) {
                entries.add(DatabaseSchemaEntry.newBuilder()
                        .setDatabaseName(database)
                        .setSchemaName(rows.getString(1))
                        .setTableName(rows.getString(2))
                        .setIsPrimaryKey(false)
                        .setIndexName(rows.getString(3))
                        .setIndexType(rows.getString(4))
                        .setIndexDefinition(rows.getString(5))
                        .setIndexSizeBytes(nullableLong(rows, 6))
                        .setTableSizeBytes(nullableLong(rows, 7))
                        .build());
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = open(defaultDatabase);
        }
        return connection;
    }

    /** A connection to {@code database} on this instance: read-only, short timeouts, named strata-probe. */
    private Connection open(String database) throws SQLException {
        Properties properties = new Properties();
        if (target.user() != null) {
            properties.setProperty("user", target.user());
        }
        if (target.password() != null) {
            properties.setProperty("password", target.password());
        }
        properties.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS * 6));
        properties.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "strata-probe");
        properties.setProperty("readOnly", "true");
        String url = database.equals(defaultDatabase) ? target.url() : withDatabase(target.url(), database);
        Connection opened = DriverManager.getConnection(url, properties);
        opened.setAutoCommit(true);
        return opened;
    }

    /** The URL with its database replaced: jdbc:postgresql://host:port/db?params. */
    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        String hostPart = slash < 0 ? base : base.substring(0, slash);
        return hostPart + "/" + database + params;
    }

    private void setUp(boolean nowUp, SQLException failure) {
        if (up == null || up != nowUp) {
            if (nowUp) {
                LOG.info("PostgreSQL {} ({}) answers", target.name(), instance);
            } else {
                // The message of a connection failure names host and port, never the password.
                LOG.warn(
                        "PostgreSQL {} ({}) does not answer: {} (SQLSTATE {}); retrying every round",
                        target.name(),
                        instance,
                        failure.getMessage(),
                        failure.getSQLState());
            }
        }
        up = nowUp;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection to {} failed", instance, e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }

    private static String queryString(Connection db, String sql) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long queryLong(Connection db, String sql) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static boolean queryBoolean(Connection db, String sql) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rows, int column) throws SQLException {
        int value = rows.getInt(column);
        return rows.wasNull() ? null : value;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
