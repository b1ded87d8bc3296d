#!/usr/bin/env bash
# Validates the compose files with the compose plugin (`docker compose config`), which needs no Docker engine, using
# the documented defaults of .env.example. Exits non-zero on the first invalid file.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! docker compose version >/dev/null 2>&1; then
    echo "validate-compose: the docker compose plugin is not installed (Debian: docker-compose >= 2, or Docker's docker-compose-plugin)" >&2
    exit 2
fi
docker compose --env-file .env.example -f docker-compose.yml config --quiet
docker compose --env-file .env.example -f docker-compose.yml -f docker-compose.host-probe.yml config --quiet
echo "validate-compose: docker-compose.yml and docker-compose.host-probe.yml are valid ($(docker compose version --short))"
