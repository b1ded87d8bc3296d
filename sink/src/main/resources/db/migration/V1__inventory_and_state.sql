-- Inventory and state of the monitored fleet (data-model.md, "Inventory and state").
-- One row per thing, upserted by the sink; rows are never deleted by ingestion: what disappears is
-- marked inactive / stopped with updated_at. Every timestamp is TIMESTAMPTZ (UTC semantics).
-- Open enumerations ("primary, replica, client, ...") are checked for shape only; closed ones are listed.

-- Helpers the state writers use so that one malformed value from a probe never fails a whole batch.
CREATE FUNCTION strata_try_inet(p TEXT) RETURNS INET
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog
AS $$
BEGIN
    RETURN p::inet;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE FUNCTION strata_try_macaddr(p TEXT) RETURNS MACADDR
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog
AS $$
BEGIN
    RETURN p::macaddr;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- JSON text to JSONB; text that is not JSON is kept verbatim as a JSON string rather than rejected.
CREATE FUNCTION strata_to_jsonb(p TEXT) RETURNS JSONB
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog
AS $$
BEGIN
    RETURN p::jsonb;
EXCEPTION WHEN others THEN
    RETURN to_jsonb(p);
END
$$;

CREATE TABLE system_nodes (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_key              TEXT NOT NULL UNIQUE,
    node_name             TEXT NOT NULL UNIQUE,
    node_role             TEXT CHECK (node_role ~ '^[a-z][a-z0-9_-]*$'),
    model_name            TEXT,
    model_identifier      TEXT,
    serial_number         TEXT,
    hardware_uuid         TEXT,
    cpu_model             TEXT,
    cpu_architecture      TEXT,
    cpu_cores_total       INTEGER CHECK (cpu_cores_total >= 0),
    cpu_cores_performance INTEGER CHECK (cpu_cores_performance >= 0),
    cpu_cores_efficiency  INTEGER CHECK (cpu_cores_efficiency >= 0),
    gpu_model             TEXT,
    gpu_cores             INTEGER CHECK (gpu_cores >= 0),
    ram_gb                NUMERIC(12, 3) CHECK (ram_gb >= 0),
    storage_internal_tb   NUMERIC(12, 3) CHECK (storage_internal_tb >= 0),
    os_name               TEXT,
    os_version            TEXT,
    os_build              TEXT,
    kernel_version        TEXT,
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'maintenance')),
    last_verified         TIMESTAMPTZ,
    -- Last applied inventory: stale or unchanged inventories are recognised and skipped.
    inventory_collected_at TIMESTAMPTZ,
    inventory_hash        TEXT,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX system_nodes_role_idx ON system_nodes (node_role);

CREATE TABLE network_interfaces (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_id               BIGINT NOT NULL REFERENCES system_nodes (id) ON DELETE CASCADE,
    interface_name        TEXT NOT NULL,
    interface_type        TEXT,
    mac_address           MACADDR,
    ipv4_address          INET,
    ipv4_netmask          TEXT,
    ipv4_gateway          INET,
    ipv6_address          INET,
    connection_speed_mbps BIGINT CHECK (connection_speed_mbps >= 0),
    is_primary            BOOLEAN NOT NULL DEFAULT FALSE,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (node_id, interface_name)
);

CREATE INDEX network_interfaces_ipv4_idx ON network_interfaces (ipv4_address);

CREATE TABLE software_versions (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_id               BIGINT NOT NULL REFERENCES system_nodes (id) ON DELETE CASCADE,
    software_name         TEXT NOT NULL,
    software_version      TEXT,
    software_architecture TEXT,
    runtime_mode          TEXT,
    install_path          TEXT,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    installed_at          TIMESTAMPTZ,
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One active version per node and software; older versions stay as inactive history.
CREATE UNIQUE INDEX software_versions_active_uq ON software_versions (node_id, software_name) WHERE is_active;
CREATE INDEX software_versions_node_idx ON software_versions (node_id, software_name);

CREATE TABLE services (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_id               BIGINT NOT NULL REFERENCES system_nodes (id) ON DELETE CASCADE,
    service_name          TEXT NOT NULL,
    service_type          TEXT,
    process_id            INTEGER CHECK (process_id >= 0),
    port                  INTEGER CHECK (port BETWEEN 0 AND 65535),
    bind_address          TEXT,
    executable_path       TEXT,
    status                TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped', 'failed')),
    started_at            TIMESTAMPTZ,
    uptime_seconds        BIGINT CHECK (uptime_seconds >= 0),
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (node_id, service_name)
);

CREATE INDEX services_status_idx ON services (status);

CREATE TABLE postgresql_configuration (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_id               BIGINT NOT NULL REFERENCES system_nodes (id) ON DELETE CASCADE,
    instance              TEXT,
    setting_name          TEXT NOT NULL,
    setting_value         TEXT,
    setting_unit          TEXT,
    setting_category      TEXT,
    setting_short_desc    TEXT,
    context               TEXT CHECK (context ~ '^[a-z][a-z0-9_-]*$'),
    source                TEXT,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    requires_restart      BOOLEAN NOT NULL DEFAULT FALSE,
    pending_value         TEXT,
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One active value per node and setting; a changed value deactivates the old row (history).
CREATE UNIQUE INDEX postgresql_configuration_active_uq
    ON postgresql_configuration (node_id, setting_name) WHERE is_active;
CREATE INDEX postgresql_configuration_node_idx ON postgresql_configuration (node_id, setting_name);
CREATE INDEX postgresql_configuration_restart_idx
    ON postgresql_configuration (node_id) WHERE is_active AND requires_restart;

CREATE TABLE replication_status (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    primary_node_id       BIGINT NOT NULL REFERENCES system_nodes (id) ON DELETE CASCADE,
    -- NULL until the standby is known as a node (matched by application_name, node key or address).
    replica_node_id       BIGINT REFERENCES system_nodes (id) ON DELETE CASCADE,
    -- Stable identity of the link on its primary: application_name, else slot_name, else client address.
    link_key              TEXT NOT NULL,
    instance              TEXT,
    slot_name             TEXT,
    application_name      TEXT,
    client_address        INET,
    client_hostname       TEXT,
    state                 TEXT CHECK (state IN ('startup', 'catchup', 'streaming', 'backup', 'stopping')),
    sync_state            TEXT CHECK (sync_state IN ('async', 'potential', 'sync', 'quorum')),
    sent_lsn              TEXT,
    replay_lsn            TEXT,
    replay_lag_ms         BIGINT,
    replay_lag_bytes      BIGINT,
    write_lag_ms          BIGINT,
    write_lag_bytes       BIGINT,
    flush_lag_ms          BIGINT,
    flush_lag_bytes       BIGINT,
    reply_at              TIMESTAMPTZ,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    last_check            TIMESTAMPTZ,
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (primary_node_id, link_key)
);

CREATE INDEX replication_status_replica_idx ON replication_status (replica_node_id);

CREATE TABLE database_schemas (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_id               BIGINT NOT NULL REFERENCES system_nodes (id) ON DELETE CASCADE,
    instance              TEXT,
    database_name         TEXT NOT NULL,
    schema_name           TEXT NOT NULL,
    table_name            TEXT NOT NULL,
    column_name           TEXT,
    data_type             TEXT,
    is_nullable           BOOLEAN,
    column_default        TEXT,
    is_primary_key        BOOLEAN NOT NULL DEFAULT FALSE,
    foreign_key_table     TEXT,
    foreign_key_column    TEXT,
    index_name            TEXT,
    index_type            TEXT CHECK (index_type ~ '^[a-z][a-z0-9_]*$'),
    index_definition      TEXT,
    table_size_bytes      BIGINT,
    index_size_bytes      BIGINT,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- A column (index_name NULL), an index entry (column_name NULL) or a column of an index (PostgreSQL 15+).
    CONSTRAINT database_schemas_object_uq UNIQUE NULLS NOT DISTINCT
        (node_id, database_name, schema_name, table_name, column_name, index_name)
);

CREATE INDEX database_schemas_table_idx ON database_schemas (database_name, schema_name, table_name);

CREATE TABLE documentation_files (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The node whose probe watches the file; NULL for files registered by hand.
    node_id               BIGINT REFERENCES system_nodes (id) ON DELETE CASCADE,
    file_name             TEXT NOT NULL,
    file_path             TEXT NOT NULL,
    file_size_bytes       BIGINT CHECK (file_size_bytes >= 0),
    file_hash             TEXT CHECK (file_hash ~ '^[0-9a-f]{64}$'),
    category              TEXT,
    is_latest             BOOLEAN NOT NULL DEFAULT TRUE,
    modified_at           TIMESTAMPTZ,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    last_seen_at          TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One latest version per watched path; a new hash keeps the old row with is_latest = FALSE.
CREATE UNIQUE INDEX documentation_files_latest_uq
    ON documentation_files (node_id, file_path) NULLS NOT DISTINCT WHERE is_latest;
CREATE INDEX documentation_files_hash_idx ON documentation_files (file_hash);

CREATE TABLE system_state_snapshots (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    snapshot_name         TEXT NOT NULL UNIQUE,
    snapshot_type         TEXT NOT NULL CHECK (snapshot_type IN ('production', 'verified', 'baseline', 'automated')),
    description           TEXT,
    verification_status   TEXT,
    tests_passed          INTEGER CHECK (tests_passed >= 0),
    tests_failed          INTEGER CHECK (tests_failed >= 0),
    state_json            JSONB NOT NULL,
    -- SHA-256 (lower-case hex) of the canonical JSON.
    state_hash            TEXT NOT NULL CHECK (state_hash ~ '^[0-9a-f]{64}$'),
    created_by            TEXT,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX system_state_snapshots_type_idx ON system_state_snapshots (snapshot_type, created_at DESC);

CREATE TABLE change_log (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- ChangeEvent.eventId: a re-emitted change is stored once.
    event_id              TEXT UNIQUE,
    -- The audit trail is kept forever: it outlives the node row (node_key stays).
    node_id               BIGINT REFERENCES system_nodes (id) ON DELETE SET NULL,
    node_key              TEXT,
    change_type           TEXT NOT NULL CHECK (change_type IN ('configuration', 'service', 'schema', 'hardware',
        'software', 'network', 'replication', 'node', 'documentation', 'other')),
    change_category       TEXT,
    table_affected        TEXT,
    record_id             TEXT,
    change_description    TEXT NOT NULL,
    old_value             JSONB,
    new_value             JSONB,
    changed_by            TEXT,
    change_reason         TEXT,
    verification_status   TEXT,
    detected_at           TIMESTAMPTZ,
    metadata              JSONB NOT NULL DEFAULT '{}',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX change_log_node_idx ON change_log (node_id, created_at);
CREATE INDEX change_log_type_idx ON change_log (change_type, created_at);
CREATE INDEX change_log_table_idx ON change_log (table_affected, record_id);
