#!/usr/bin/env python3
"""Packs one root file system layer tar into a docker-archive image tar (the format of `docker save`).

Usage: pack-docker-archive.py LAYER_TAR OUTPUT_TAR ARCH JAVA_HOME
The image config sets PATH, JAVA_HOME, LANG and the non-root user 65532 (created by build-base-image.sh).
"""
import hashlib
import io
import json
import sys
import tarfile


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    archive.addfile(info, io.BytesIO(data))


def main():
    layer, output, arch, java_home = sys.argv[1:5]
    diff_id = "sha256:" + sha256(layer)
    config = {
        "architecture": "arm64" if arch == "arm64" else "amd64",
        "os": "linux",
        "created": "2026-01-01T00:00:00Z",
        "config": {
            "Env": [
                "PATH=" + java_home + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME=" + java_home,
                "LANG=C.UTF-8",
            ],
            "User": "65532:65532",
            "WorkingDir": "/var/lib/strata",
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "2026-01-01T00:00:00Z", "created_by": "deploy/base-image/build-base-image.sh"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_name = diff_id[len("sha256:"):] + "/layer.tar"
    manifest = [{"Config": config_name, "RepoTags": ["strata/base:17-jre"], "Layers": [layer_name]}]
    with tarfile.open(output, "w", format=tarfile.PAX_FORMAT) as archive:
        add_bytes(archive, config_name, config_bytes)
        info = archive.gettarinfo(layer, arcname=layer_name)
        info.mtime = 0
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        with open(layer, "rb") as f:
            archive.addfile(info, f)
        add_bytes(archive, "manifest.json", json.dumps(manifest).encode())


if __name__ == "__main__":
    main()
