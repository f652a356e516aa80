#!/usr/bin/env bash
# What access logs, metrics and tracing cost a request: CPU-us per request of Tollgate on the plain
# proxy route (layout A of bench/run.sh: Tollgate on core 0, wrk and the nginx backend on core 1,
# 64 connections, 0 B body), four processes measured in alternating rounds:
#
#   off         this build, nothing configured
#   log         an access log to a file (the console's JSON preset)
#   metrics     metrics read (admin listener, detailed metrics on every method)
#   logmetrics  both
#   tracing     logmetrics plus a span for every request (tracingEnabled, sampling 1.0, OTLP
#               http/protobuf to a local sink that answers 200)
#   tracing5    the same at samplingRatio 0.05 (X-Ray's default rate is 5% beyond 1 a second)
#   base        (with BASE_BUILD=DIR) another build, e.g. the commit before observability, off
#
#   bench/observability.sh [ROUNDS] [SECONDS]     VARIANTS="off log metrics" picks some (default: all)
#
# Prints the median CPU-us per request of each, and the paired ratio of each to "off" with its
# spread over the rounds. Needs nginx, wrk, curl, python3 (bench/run.sh installs them).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
ROUNDS="${1:-10}"
SECS="${2:-3}"
WORK="$(mktemp -d /tmp/tollgate-observability.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

BUILD="${TOLLGATE_BUILD:-$WORK/tollgate}"
if [ -z "${TOLLGATE_BUILD:-}" ]; then
  dotnet publish "$ROOT/src/Tollgate/Tollgate.csproj" -c Release -o "$BUILD" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; exit 1; }
fi

python3 "$HERE/lib/gen.py" backend "$WORK/www"
python3 "$HERE/lib/gen.py" tollgate "$WORK/tg" plain
mkdir -p "$WORK/backend/tmp"
cat >"$WORK/backend/nginx.conf" <<EOF
worker_processes 1;
error_log $WORK/backend/error.log crit;
pid $WORK/backend/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off; sendfile on; tcp_nodelay on; keepalive_requests 10000000; keepalive_timeout 120s;
  client_body_temp_path $WORK/backend/tmp/b; proxy_temp_path $WORK/backend/tmp/p; fastcgi_temp_path $WORK/backend/tmp/f;
  uwsgi_temp_path $WORK/backend/tmp/u; scgi_temp_path $WORK/backend/tmp/s;
  server { listen 127.0.0.1:18080 backlog=4096; root $WORK/www; location / { } }
  # An OTLP sink: every export is answered 200 and dropped.
  server { listen 127.0.0.1:18089; client_max_body_size 64m; location / { return 200; } }
}
EOF

JSON_PRESET='{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId","ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }'
variant() { # NAME ADMIN_PORT EXTRA_STAGE_LINES TOP_LEVEL_LINES
  local name="$1" admin="$2" stage="$3" top="$4"
  mkdir -p "$WORK/$name"
  cp "$WORK/tg/api.json" "$WORK/$name/api.json"
  python3 - "$WORK/tg/tollgate.yaml" "$WORK/$name/tollgate.yaml" "$admin" "$stage" "$top" <<'PY'
import sys
src, dst, admin, stage, top = sys.argv[1:]
text = open(src).read()
if stage:
    text = text.replace("      - stageName: prod\n", "      - stageName: prod\n" + stage + "\n", 1)
if admin:
    text += f'server: {{ adminListen: "http://127.0.0.1:{admin}" }}\n'
text += top + "\n"
open(dst, "w").write(text)
PY
}
LOGMETRICS="        accessLogSettings: { destinationArn: \"file://$WORK/access.log\", format: '$JSON_PRESET' }
        methodSettings: { \"*/*\": { metricsEnabled: true } }"
LOG="        accessLogSettings: { destinationArn: \"file://$WORK/access-log.log\", format: '$JSON_PRESET' }"
METRICS="        methodSettings: { \"*/*\": { metricsEnabled: true } }"
variant off "" "" ""
variant log "" "$LOG" ""
variant metrics 18093 "$METRICS" ""
variant logmetrics 18091 "$LOGMETRICS" ""
variant tracing 18092 "$LOGMETRICS
        tracingEnabled: true" "telemetry: { otlpEndpoint: \"http://127.0.0.1:18089\", samplingRatio: 1.0 }"
sed -i "s#$WORK/access.log#$WORK/access-tracing.log#" "$WORK/tracing/tollgate.yaml"
variant tracing5 18094 "$LOGMETRICS
        tracingEnabled: true" "telemetry: { otlpEndpoint: \"http://127.0.0.1:18089\", samplingRatio: 0.05 }"
sed -i "s#$WORK/access.log#$WORK/access-tracing5.log#" "$WORK/tracing5/tollgate.yaml"

taskset -c 1 nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -g "daemon off;" & PIDS+=($!)
declare -A PORT=([off]=18083 [logmetrics]=18084 [tracing]=18085 [base]=18086 [log]=18087 [metrics]=18088 [tracing5]=18096)
declare -A PID
read -r -a NAMES <<<"${VARIANTS:-off log metrics logmetrics tracing tracing5}"
start() { # NAME BUILD CONFIG
  # shellcheck disable=SC2086
  taskset -c 0 env DOTNET_PROCESSOR_COUNT=1 "$2/tollgate" serve --config "$3" --listen "http://127.0.0.1:${PORT[$1]}" \
    --log-level Warning --data-dir "$WORK/data-$1" >"$WORK/$1.out" 2>&1 &
  PID[$1]=$!; PIDS+=($!)
}
for name in "${NAMES[@]}"; do [ "$name" = base ] || start "$name" "$BUILD" "$WORK/$name/tollgate.yaml"; done
if [ -n "${BASE_BUILD:-}" ]; then start base "$BASE_BUILD" "$WORK/off/tollgate.yaml"; [[ " ${NAMES[*]} " == *" base "* ]] || NAMES+=(base); fi
for name in "${NAMES[@]}"; do
  for _ in $(seq 1 400); do (exec 3<>"/dev/tcp/127.0.0.1/${PORT[$name]}") 2>/dev/null && break; sleep 0.05; done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[$name]}/prod/0")" = 200 ] || { cat "$WORK/$name.out"; exit 1; }
done

ticks() { local s r; s="$(cat "/proc/$1/stat")"; r="${s##*) }"; set -- $r; echo $((${12} + ${13})); }
measure() { # NAME SECONDS -> "rps cpu_us_per_request"
  local a b out
  a="$(ticks "${PID[$1]}")"
  out="$(taskset -c 1 wrk -t1 -c64 -d"${2}s" -s "$HERE/lib/report.lua" "http://127.0.0.1:${PORT[$1]}/prod/0" | grep '^{')"
  b="$(ticks "${PID[$1]}")"
  python3 -c '
import json, os, sys
w = json.loads(sys.argv[1]); t = int(sys.argv[2]); n = w["requests"]
rps = n / (w["duration_us"] / 1e6); cpu = 1e6 * t / os.sysconf("SC_CLK_TCK") / n
print("%.0f %.3f" % (rps, cpu))' "$out" "$((b - a))"
}
# Warm-up: tiered compilation with PGO needs about 20 s of traffic before the hot path is final.
# The traced variants have more code to tier up: 20 s left the JIT busy in their first rounds.
for name in "${NAMES[@]}"; do measure "$name" "${WARM:-60}" >/dev/null; done
declare -A RESULTS
for r in $(seq 1 "$ROUNDS"); do
  for name in "${NAMES[@]}"; do RESULTS[$name]+="$(measure "$name" "$SECS") "; done
done
args=()
for name in "${NAMES[@]}"; do args+=("$name=${RESULTS[$name]}"); done
python3 - "$(head -c 100 /proc/loadavg)" "${args[@]}" <<'PY'
import statistics, sys
load = sys.argv[1]
runs = {}
for arg in sys.argv[2:]:
    name, values = arg.split("=", 1)
    v = [float(x) for x in values.split()]
    runs[name] = (v[0::2], v[1::2])
m = statistics.median
off = runs["off"][1]
print(f"| variant | rounds | rps (median) | CPU-us/request (median) | paired ratio to off: median (min to max) |")
print(f"| --- | --- | --- | --- | --- |")
for name, (rps, cpu) in runs.items():
    ratios = [c / o for c, o in zip(cpu, off)]
    print(f"| {name} | {len(cpu)} | {m(rps):.0f} | {m(cpu):.2f} | {m(ratios):.3f} ({min(ratios):.3f} to {max(ratios):.3f}) |")
print(f"\nloadavg at the end: {load}")
PY
