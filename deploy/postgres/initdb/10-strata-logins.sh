#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d).
# Creates the three Strata logins and makes the schema owner own the database (so it owns the public schema, where
# the migrations create everything). The NOLOGIN roles strata_writer and strata_reader are created here too, so the
# logins can be made members now; the migration V4__roles.sql creates them only if missing and grants their
# privileges. Passwords come from the environment (.env), never from the image.
set -euo pipefail

for var in STRATA_DB_NAME STRATA_OWNER_USER STRATA_OWNER_PASSWORD STRATA_SINK_DB_USER STRATA_SINK_DB_PASSWORD \
    STRATA_GRAFANA_DB_USER STRATA_GRAFANA_DB_PASSWORD; do
    if [ -z "${!var:-}" ]; then
        echo "10-strata-logins: $var is not set (see .env.example)" >&2
        exit 1
    fi
done

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$STRATA_DB_NAME" \
    -v owner="$STRATA_OWNER_USER" -v owner_password="$STRATA_OWNER_PASSWORD" \
    -v sink="$STRATA_SINK_DB_USER" -v sink_password="$STRATA_SINK_DB_PASSWORD" \
    -v grafana="$STRATA_GRAFANA_DB_USER" -v grafana_password="$STRATA_GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE strata_writer NOLOGIN;
CREATE ROLE strata_reader NOLOGIN;
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"sink" LOGIN PASSWORD :'sink_password' IN ROLE strata_writer;
CREATE ROLE :"grafana" LOGIN PASSWORD :'grafana_password' IN ROLE strata_reader;
-- Dashboards only read; a runaway panel query is cut off.
ALTER ROLE :"grafana" SET default_transaction_read_only = on;
ALTER ROLE :"grafana" SET statement_timeout = '30s';
-- PostgreSQL 15+: the public schema belongs to pg_database_owner, so the database owner may create in it.
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO strata_writer, strata_reader;
SQL
echo "10-strata-logins: logins $STRATA_OWNER_USER (owner), $STRATA_SINK_DB_USER (strata_writer)," \
    "$STRATA_GRAFANA_DB_USER (strata_reader) on database $STRATA_DB_NAME"
