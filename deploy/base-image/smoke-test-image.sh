#!/usr/bin/env bash
# Runs a Jib image tarball without a container engine, to check it on a machine that has none: unpacks its layers
# into a root file system, then runs the image's entrypoint with its environment, working directory and user under
# chroot (Linux, root). Not isolation, only a check that the image is complete and starts.
#
# Usage: deploy/base-image/smoke-test-image.sh [-e KEY=VALUE]... IMAGE_TAR [ARG...]   (ARGs replace the image's Cmd)
# e.g.   deploy/base-image/smoke-test-image.sh producer/target/strata-probe-image.tar once
#        deploy/base-image/smoke-test-image.sh -e STRATA_DB_URL=jdbc:postgresql://127.0.0.1:5432/strata \
#            -e STRATA_DB_USER=strata_owner -e STRATA_DB_PASSWORD=... sink/target/strata-sink-image.tar migrate
# The host's network is shared (chroot), so 127.0.0.1 is this machine.
set -euo pipefail
extra_env=()
while [ "${1:-}" = "-e" ]; do extra_env+=("$2"); shift 2; done
image="$(readlink -f "$1")"; shift
[ "$(id -u)" = 0 ] || { echo "smoke-test-image: must run as root (chroot)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-image.XXXXXX")"
cleanup() { umount "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/image" "$work/rootfs"
tar -xf "$image" -C "$work/image"
EXTRA_ENV="$(printf '%s\n' "${extra_env[@]+"${extra_env[@]}"}")" \
    python3 - "$work/image" "$work/rootfs" "$@" > "$work/run.sh" <<'PY'
import json, os, shlex, subprocess, sys
image, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
extra = [e for e in os.environ.get("EXTRA_ENV", "").split("\n") if e]
manifest = json.load(open(os.path.join(image, "manifest.json")))[0]
for layer in manifest["Layers"]:
    subprocess.run(["tar", "--warning=no-unknown-keyword", "-xf", os.path.join(image, layer), "-C", rootfs, "--numeric-owner"], check=True)
config = json.load(open(os.path.join(image, manifest["Config"])))["config"]
command = (config.get("Entrypoint") or []) + (args or config.get("Cmd") or [])
user = config.get("User", "0:0")
env = " ".join(shlex.quote(e) for e in config.get("Env", []) + extra)
print(f"cd {shlex.quote(rootfs + config.get('WorkingDir', '/'))} || exit 1")
print(f"exec chroot --userspec={user} {shlex.quote(rootfs)} /usr/bin/env -i {env} "
      f"sh -c {shlex.quote('cd ' + shlex.quote(config.get('WorkingDir', '/')) + ' && exec ' + ' '.join(shlex.quote(c) for c in command))}")
PY
mkdir -p "$work/rootfs/proc" "$work/rootfs/tmp" && chmod 1777 "$work/rootfs/tmp"
mount -t proc proc "$work/rootfs/proc"
bash "$work/run.sh"
