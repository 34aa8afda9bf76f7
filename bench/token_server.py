#!/usr/bin/env python3
"""A token server for the benchmark's registry (distribution token mode).

Usage: token_server.py PORT KEY.pem CERT.pem SERVICE ISSUER USER PASSWORD

Grants USER every action it asks for, signs ES256 JWTs with KEY (via `openssl dgst`, so only
python3 and openssl are needed) and puts CERT in the `x5c` header; the registry trusts CERT
as its rootcertbundle.
"""

import base64
import json
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT, KEY, CERT, SERVICE, ISSUER, USER, PASSWORD = sys.argv[1:8]


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def der_cert():
    pem = open(CERT).read()
    body = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
    return body


X5C = der_cert()


def der_to_raw(sig):
    # ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } → r || s, 32 bytes each.
    i = 2 if sig[1] < 0x80 else 2 + (sig[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert sig[i] == 0x02
        n = sig[i + 1]
        v = sig[i + 2 : i + 2 + n].lstrip(b"\x00")
        out += v.rjust(32, b"\x00")
        i += 2 + n
    return out


def sign(data):
    der = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", KEY],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    return der_to_raw(der)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        if u.path != "/token":
            return self.reply(404, {})
        auth = self.headers.get("authorization", "")
        ok = False
        if auth.startswith("Basic "):
            user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            ok = user == USER and pw == PASSWORD
            if not ok:
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
        access = []
        for scope in parse_qs(u.query).get("scope", []):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            acts = actions.split(",") if ok else []
            if kind == "repository" and acts:
                access.append({"type": "repository", "name": name, "actions": acts})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "x5c": [X5C]}
        claims = {
            "iss": ISSUER, "sub": USER if ok else "", "aud": SERVICE,
            "exp": now + 600, "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()),
            "access": access,
        }
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        token = signing_input.decode() + "." + b64url(sign(signing_input))
        self.reply(200, {"token": token, "expires_in": 600})


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
