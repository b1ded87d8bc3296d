#!/usr/bin/env bash
# Runs a Jib image tarball without a container engine, to check it on a machine that has none: unpacks its layers
# into a root file system, then runs the image's entrypoint with its environment, working directory and user under
# chroot (Linux, root). Not isolation, only a check that the image is complete and starts.
#
# Usage: deploy/base-image/smoke-test-image.sh IMAGE_TAR [ARG...]   (ARGs replace the image's Cmd)
# e.g.   deploy/base-image/smoke-test-image.sh producer/target/strata-probe-image.tar once
set -euo pipefail
image="$(readlink -f "$1")"; shift
[ "$(id -u)" = 0 ] || { echo "smoke-test-image: must run as root (chroot)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-image.XXXXXX")"
cleanup() { umount "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/image" "$work/rootfs"
tar -xf "$image" -C "$work/image"
python3 - "$work/image" "$work/rootfs" "$@" > "$work/run.sh" <<'PY'
import json, os, shlex, subprocess, sys
image, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
manifest = json.load(open(os.path.join(image, "manifest.json")))[0]
for layer in manifest["Layers"]:
    subprocess.run(["tar", "--warning=no-unknown-keyword", "-xf", os.path.join(image, layer), "-C", rootfs, "--numeric-owner"], check=True)
config = json.load(open(os.path.join(image, manifest["Config"])))["config"]
command = (config.get("Entrypoint") or []) + (args or config.get("Cmd") or [])
user = config.get("User", "0:0")
env = " ".join(shlex.quote(e) for e in config.get("Env", []))
print(f"cd {shlex.quote(rootfs + config.get('WorkingDir', '/'))} || exit 1")
print(f"exec chroot --userspec={user} {shlex.quote(rootfs)} /usr/bin/env -i {env} "
      f"sh -c {shlex.quote('cd ' + shlex.quote(config.get('WorkingDir', '/')) + ' && exec ' + ' '.join(shlex.quote(c) for c in command))}")
PY
mkdir -p "$work/rootfs/proc" "$work/rootfs/tmp" && chmod 1777 "$work/rootfs/tmp"
mount -t proc proc "$work/rootfs/proc"
bash "$work/run.sh"
