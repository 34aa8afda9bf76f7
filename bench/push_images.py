#!/usr/bin/env python3
"""Pushes N small OCI images (config + one layer + manifest) to the benchmark registry,
directly (not through the delaying proxy), with a token from the token server.

Usage: push_images.py REGISTRY_URL TOKEN_URL SERVICE USER PASSWORD N
Images: bench/img0:v1 ... bench/img{N-1}:v1
"""

import base64
import hashlib
import json
import sys
import urllib.parse
import urllib.request

REG, TOKEN_URL, SERVICE, USER, PASSWORD, N = sys.argv[1:7]
N = int(N)


def token(repos):
    q = [("service", SERVICE)] + [("scope", f"repository:{r}:pull,push") for r in repos]
    req = urllib.request.Request(TOKEN_URL + "?" + urllib.parse.urlencode(q))
    req.add_header("authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
    return json.load(urllib.request.urlopen(req))["token"]


def call(method, url, tok, body=None, ctype=None):
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("authorization", "Bearer " + tok)
    if ctype:
        req.add_header("content-type", ctype)
    return urllib.request.urlopen(req)


def blob(repo, tok, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    r = call("POST", f"{REG}/v2/{repo}/blobs/uploads/", tok, b"")
    loc = urllib.parse.urljoin(REG, r.headers["location"])
    sep = "&" if "?" in loc else "?"
    call("PUT", f"{loc}{sep}digest={digest}", tok, data, "application/octet-stream")
    return {"digest": digest, "size": len(data)}


repos = [f"bench/img{i}" for i in range(N)]
tok = token(repos)
for repo in repos:
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}, "config": {"Labels": {"repo": repo}}}).encode()
    c = blob(repo, tok, cfg)
    l = blob(repo, tok, f"layer of {repo}".encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **c},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **l}],
    }
    call("PUT", f"{REG}/v2/{repo}/manifests/v1", tok, json.dumps(manifest).encode(), "application/vnd.oci.image.manifest.v1+json")
print(f"pushed {N} images")
