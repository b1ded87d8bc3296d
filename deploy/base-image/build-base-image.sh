#!/usr/bin/env bash
# Builds the Strata apps' base image from Debian packages alone, for machines that reach no container registry:
# a minimal Debian bookworm root file system (debootstrap, variant minbase) with openjdk-17-jre-headless, packed as a
# docker-archive tarball (the format of `docker save`) that Jib takes as its base with
#   ./mvnw -Pimages package -DskipTests -Djib.from.image=tar://$PWD/deploy/base-image/target/strata-base.tar
# and `docker load` takes as is.
#
# Needs: Linux, root (debootstrap chroots), debootstrap (apt-get install debootstrap), python3, access to a Debian
# mirror (MIRROR, default http://deb.debian.org/debian). Takes a few minutes; the result is ~200 MB uncompressed.
#
# Usage: deploy/base-image/build-base-image.sh [OUTPUT_TAR]   (default deploy/base-image/target/strata-base.tar)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/target/strata-base.tar}"
suite="${SUITE:-bookworm}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
arch="${ARCH:-$(dpkg --print-architecture)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT

[ "$(id -u)" = 0 ] || { echo "build-base-image: must run as root (debootstrap)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "build-base-image: install debootstrap first" >&2; exit 2; }

rootfs="$work/rootfs"
# minbase: essential packages plus apt; the JRE (headless) and CA certificates for TLS to brokers and databases.
debootstrap --variant=minbase --arch="$arch" \
    --include=openjdk-17-jre-headless,ca-certificates-java,ca-certificates,tzdata \
    "$suite" "$rootfs" "$mirror"

# The unprivileged user the apps run as (uid/gid 65532, as in distroless images), with a writable home.
chroot "$rootfs" groupadd --system --gid 65532 strata
chroot "$rootfs" useradd --system --uid 65532 --gid 65532 --home-dir /var/lib/strata --create-home \
    --shell /usr/sbin/nologin strata

# Slim it: package caches and lists, docs, man pages, locales other than C.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/log/* "$rootfs"/tmp/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
# Device nodes and proc/sys contents are the runtime's business, not the image's.
rm -rf "$rootfs"/dev/* "$rootfs"/proc/* "$rootfs"/sys/*

java_home="$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java" | sed "s#^$rootfs##")")")"
java_home="${java_home#$rootfs}"
echo "build-base-image: JAVA_HOME=$java_home"

# One layer, reproducible: sorted names, fixed owner-less mtime.
layer="$work/layer.tar"
tar --numeric-owner --sort=name --mtime='2026-01-01 00:00:00Z' -C "$rootfs" -cf "$layer" .

mkdir -p "$(dirname "$out")"
python3 "$here/pack-docker-archive.py" "$layer" "$out" "$arch" "$java_home"
echo "build-base-image: wrote $out"
