#!/usr/bin/env python3
# Writes an OCI layout (for the benchmarks) with an index of 2 platforms x N layers (gzip, mtime 0).
# Usage: make_layout.py DIR LAYERS_PER_PLATFORM [LAYER_KIB]; prints the index digest.
import gzip, hashlib, io, json, os, random, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
kib = int(sys.argv[3]) if len(sys.argv) > 3 else 0
os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(b)
    return {"digest": f"sha256:{d}", "size": len(b)}
def layer(name, content):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        ti = tarfile.TarInfo(name); ti.size = len(content); ti.mtime = 0
        t.addfile(ti, io.BytesIO(content))
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g: g.write(raw.getvalue())
    return raw.getvalue(), gz.getvalue()
manifests = []
for arch in ["amd64", "arm64"]:
    layers, diffs = [], []
    for i in range(n):
        content = random.Random(f"{arch}/{i}").randbytes(kib * 1024) if kib else (f"{arch} layer {i} " * 200).encode()
        raw, gz = layer(f"f{i}", content)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **put(gz)})
        diffs.append("sha256:" + hashlib.sha256(raw).hexdigest())
    cfg = json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": diffs}, "config": {}}).encode()
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **put(cfg)}, "layers": layers}).encode()
    manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", **put(m), "platform": {"os": "linux", "architecture": arch}})
idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}).encode()
d = put(idx)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", **d, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}, open(f"{out}/index.json", "w"))
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
print(d["digest"])
