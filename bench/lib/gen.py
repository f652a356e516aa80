#!/usr/bin/env python3
"""Writes the files bench/run.sh serves and loads: backend content, Tollgate configs, a JWT.

Standard library only; the RSA key and signature come from the openssl command.
"""
import base64
import json
import os
import subprocess
import sys
import time

BACKEND = "http://127.0.0.1:18080"
POOL = "eu-west-1_Bench"
ISSUER = f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL}"
CLIENT_ID = "benchclient"
API_KEY = "bench-api-key-0123456789abcdef"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def backend(www):
    """Bodies of 0 B, 1 KB and 16 KB under /prod/, as the proxies forward the path unchanged."""
    os.makedirs(os.path.join(www, "prod"), exist_ok=True)
    for name, size in (("0", 0), ("1k", 1024), ("16k", 16384)):
        with open(os.path.join(www, "prod", name), "wb") as f:
            f.write(b"x" * size)


def keys(work, www):
    """An RSA key, its JWKS on the backend (for a Cognito pool mapped to it), and a token signed with it."""
    key = os.path.join(work, "jwt.key")
    if not os.path.exists(key):
        subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
    modulus = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-modulus"],
                             check=True, capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    jwks = {"keys": [{"kty": "RSA", "kid": "bench", "use": "sig", "alg": "RS256",
                      "n": b64url(bytes.fromhex(modulus)), "e": "AQAB"}]}
    write(os.path.join(www, "jwks.json"), json.dumps(jwks))
    now = int(time.time())
    header = b64url(json.dumps({"alg": "RS256", "kid": "bench", "typ": "JWT"}).encode())
    claims = {"iss": ISSUER, "sub": "bench-user", "aud": CLIENT_ID, "token_use": "id",
              "iat": now - 60, "auth_time": now - 60, "exp": now + 86400}
    payload = b64url(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input,
                               check=True, capture_output=True).stdout
    token = f"{header}.{payload}.{b64url(signature)}"
    write(os.path.join(work, "jwt.token"), token)


def proxy_method(uri, security=None):
    method = {
        "parameters": [{"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}],
        "x-amazon-apigateway-integration": {
            "type": "http_proxy", "httpMethod": "ANY", "uri": uri,
            "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"},
            "passthroughBehavior": "when_no_match", "timeoutInMillis": 29000,
        },
    }
    if security is not None:
        method["security"] = security
    return method


def route_method(n):
    return {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "x-amazon-apigateway-integration": {
            "type": "http_proxy", "httpMethod": "GET", "uri": f"{BACKEND}/prod/0",
            "passthroughBehavior": "when_no_match",
        },
    }


def tollgate(out, kind, routes, generation):
    """kind: plain (one {proxy+} route), key (API key + usage plan), jwt (key + plan + Cognito authorizer),
    routes (N literal routes /r{i}/{id} plus /new{generation}/{id}, for memory and reload figures)."""
    paths = {}
    components = {}
    security = None
    if kind == "routes":
        for i in range(routes):
            paths[f"/r{i}/{{id}}"] = {"get": route_method(i)}
        paths[f"/new{generation}/{{id}}"] = {"get": route_method(-1)}
    else:
        if kind in ("key", "jwt"):
            components["api_key"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
            security = [{"api_key": []}]
        if kind == "jwt":
            components["cognito"] = {
                "type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {
                    "type": "cognito_user_pools",
                    "providerARNs": [f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{POOL}"],
                },
            }
            security = [{"api_key": [], "cognito": []}]
        paths["/{proxy+}"] = {"x-amazon-apigateway-any-method": proxy_method(f"{BACKEND}/prod/{{proxy}}", security)}
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "bench", "version": "1"},
        "paths": paths,
    }
    if components:
        doc["components"] = {"securitySchemes": components}
    if kind in ("key", "jwt"):
        doc["x-amazon-apigateway-api-key-source"] = "HEADER"
    write(os.path.join(out, "api.json"), json.dumps(doc, indent=1))

    lines = [
        "# Written by bench/lib/gen.py for bench/run.sh.",
        # AWS's default account limit (10,000 rps, burst 5,000) applies to every request; the
        # benchmark measures the proxy, so the limit is raised above anything it can reach.
        "accountThrottle: { rateLimit: 10000000, burstLimit: 10000000 }",
        "apis:",
        "  - name: bench",
        "    definition: api.json",
        "    stages:",
        "      - stageName: prod",
    ]
    if kind in ("key", "jwt"):
        # Limits far above anything the benchmark can reach: the check runs, and never refuses.
        lines += [
            "apiKeys:",
            f"  - {{ name: bench, value: \"{API_KEY}\" }}",
            "usagePlans:",
            "  - name: bench",
            "    apiStages: [ { apiId: bench, stage: prod } ]",
            "    throttle: { rateLimit: 10000000, burstLimit: 10000000 }",
            "    apiKeys: [ bench ]",
        ]
    if kind == "jwt":
        lines += ["jwks:", f"  \"{ISSUER}\": \"{BACKEND}/jwks.json\""]
    write(os.path.join(out, "tollgate.yaml"), "\n".join(lines) + "\n")


def main(argv):
    command = argv[1]
    if command == "backend":
        backend(argv[2])
    elif command == "keys":
        keys(argv[2], argv[3])
    elif command == "tollgate":
        tollgate(argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 0, int(argv[5]) if len(argv) > 5 else 0)
    elif command == "api-key":
        print(API_KEY)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
