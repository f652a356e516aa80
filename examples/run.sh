#!/usr/bin/env bash
# Starts the PetStore example: the sample backend on 127.0.0.1:9000 and Tollgate on
# 127.0.0.1:8080 serving examples/petstore/petstore.json. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Tollgate -c Release -nologo -v quiet -o .build/tollgate >/dev/null
tollgate=.build/tollgate/tollgate
"$tollgate" sample-backend --listen http://127.0.0.1:9000 &
backend=$!
trap 'kill "$backend" 2>/dev/null || true' EXIT
"$tollgate" serve --config examples/petstore/tollgate.yaml "$@"
