#!/usr/bin/env bash
# Measures or profiles Tollgate's plain proxy path alone, for before/after comparisons of one change.
#
#   bench/profile.sh cpu [ROUNDS] [SECONDS]   CPU-us per request of Tollgate and nginx, alternating rounds
#   bench/profile.sh perf [SECONDS]           perf record of Tollgate under load; prints the top symbols
#   bench/profile.sh strace                   system calls per request of Tollgate and nginx
#
# VARIANT=key or VARIANT=jwt measures Tollgate with the policy chain of bench/run.sh instead of
# the plain route (nginx stays a plain proxy, for scale).
#
# Layout A of bench/run.sh: the proxy on core 0, wrk and the backend on core 1, 64 connections,
# 0 B body. Builds the working tree in Release first (into /tmp). Extra environment for Tollgate
# can be given as TOLLGATE_ENV="DOTNET_X=1 DOTNET_Y=2".
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
MODE="${1:-cpu}"
WORK="$(mktemp -d /tmp/tollgate-profile.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# TOLLGATE_BUILD=DIR reuses a published build (e.g. to compare runtime settings without rebuilding).
BUILD="${TOLLGATE_BUILD:-$WORK/tollgate}"
if [ -z "${TOLLGATE_BUILD:-}" ]; then
  dotnet publish "$ROOT/src/Tollgate/Tollgate.csproj" -c Release -o "$BUILD" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; exit 1; }
fi

# VARIANT=key (API key + usage plan) or jwt (+ Cognito authorizer) profiles the policy chain instead.
VARIANT="${VARIANT:-plain}"
python3 "$HERE/lib/gen.py" backend "$WORK/www"
python3 "$HERE/lib/gen.py" keys "$WORK" "$WORK/www"
python3 "$HERE/lib/gen.py" tollgate "$WORK/tg" "$VARIANT"
TG_HEADERS=()
case "$VARIANT" in
  key) TG_HEADERS=(-H "x-api-key: $(python3 "$HERE/lib/gen.py" api-key)") ;;
  jwt) TG_HEADERS=(-H "x-api-key: $(python3 "$HERE/lib/gen.py" api-key)" -H "Authorization: $(cat "$WORK/jwt.token")") ;;
esac
mkdir -p "$WORK/backend/tmp" "$WORK/proxy/tmp"
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
}
EOF
cat >"$WORK/proxy/nginx.conf" <<EOF
worker_processes 1;
error_log $WORK/proxy/error.log crit;
pid $WORK/proxy/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off; tcp_nodelay on; keepalive_requests 10000000; keepalive_timeout 120s;
  client_body_temp_path $WORK/proxy/tmp/b; proxy_temp_path $WORK/proxy/tmp/p; fastcgi_temp_path $WORK/proxy/tmp/f;
  uwsgi_temp_path $WORK/proxy/tmp/u; scgi_temp_path $WORK/proxy/tmp/s;
  upstream backend { server 127.0.0.1:18080; keepalive 1024; keepalive_requests 10000000; }
  server { listen 127.0.0.1:18081 backlog=4096;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme; } }
}
EOF
taskset -c 1 nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -g "daemon off;" & PIDS+=($!)
taskset -c 0 nginx -p "$WORK/proxy" -c "$WORK/proxy/nginx.conf" -g "daemon off;" & NGINX=$!; PIDS+=($NGINX)
# shellcheck disable=SC2086
taskset -c 0 env DOTNET_PROCESSOR_COUNT=1 DOTNET_PerfMapEnabled="${PERFMAP:-0}" ${TOLLGATE_ENV:-} "$BUILD/tollgate" serve \
  --config "$WORK/tg/tollgate.yaml" --listen http://127.0.0.1:18083 --log-level Warning >"$WORK/tollgate.out" 2>&1 & TG=$!; PIDS+=($TG)
for port in 18080 18081 18083; do
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "${TG_HEADERS[@]}" http://127.0.0.1:18083/prod/0)" = 200 ] || { cat "$WORK/tollgate.out"; exit 1; }

ticks() { local t=0 p s r; for p in "$@"; do s="$(cat /proc/$p/stat)"; r="${s##*) }"; set -- $r; t=$((t + ${12} + ${13})); done; echo $t; }
measure() { # PORT SECONDS PIDS... -> "rps cpu_us_per_request user_instructions_per_request kernel_instructions_per_request"
  local port="$1" secs="$2"; shift 2
  local a b out perfpid list
  list="$(IFS=,; echo "$*")"
  perf stat -e instructions:u,instructions:k -x, -p "$list" -o "$WORK/perf.stat" 2>/dev/null & perfpid=$!
  sleep 0.2
  a="$(ticks "$@")"
  local headers=()
  [ "$port" = 18083 ] && headers=("${TG_HEADERS[@]}")
  out="$(taskset -c 1 wrk -t1 -c64 -d"${secs}s" "${headers[@]}" -s "$HERE/lib/report.lua" "http://127.0.0.1:$port/prod/0" | grep '^{')"
  b="$(ticks "$@")"
  kill -INT "$perfpid"; wait "$perfpid" 2>/dev/null || true
  python3 - "$out" "$((b - a))" "$WORK/perf.stat" <<'PY'
import json, os, sys
w = json.loads(sys.argv[1]); t = int(sys.argv[2]); hz = os.sysconf('SC_CLK_TCK')
ins = {}
for line in open(sys.argv[3]):
    parts = line.strip().split(',')
    if len(parts) > 2 and parts[0].isdigit():
        ins[parts[2]] = int(parts[0])
n = w['requests']
print(f"{n/(w['duration_us']/1e6):.0f} {1e6*t/hz/n:.2f} {ins.get('instructions:u', 0)/n:.0f} {ins.get('instructions:k', 0)/n:.0f}")
PY
}
NGINX_PIDS=($NGINX $(pgrep -P $NGINX))

case "$MODE" in
  cpu)
    ROUNDS="${2:-5}"; SECS="${3:-5}"
    measure 18083 "${WARM:-10}" $TG >/dev/null; measure 18081 2 "${NGINX_PIDS[@]}" >/dev/null
    tg=(); ng=()
    for r in $(seq 1 "$ROUNDS"); do
      tg+=("$(measure 18083 "$SECS" $TG)"); ng+=("$(measure 18081 "$SECS" "${NGINX_PIDS[@]}")")
    done
    python3 - "${tg[*]}" "${ng[*]}" "$(head -c 200 /proc/loadavg)" <<'EOF'
import statistics, sys
def parse(s):
    v = [float(x) for x in s.split()]; return v[0::4], v[1::4], v[2::4], v[3::4]
m = statistics.median
t = parse(sys.argv[1]); n = parse(sys.argv[2])
for name, (rps, cpu, iu, ik) in (("tollgate", t), ("nginx", n)):
    print(f"{name:8} rps {m(rps):7.0f}  cpu-us/req {m(cpu):6.2f}  instructions/req user {m(iu):8.0f} kernel {m(ik):8.0f}  (cpu runs {' '.join(f'{x:.1f}' for x in cpu)})")
ins_n = m(n[2]) + m(n[3])
# Without hardware counters (a VM without a PMU) perf counts no instructions: say so, not divide by 0.
ins = f"{(m(t[2])+m(t[3]))/ins_n:.2f}" if ins_n > 0 else "n/a (no instruction counter here)"
print(f"ratio to nginx: cpu {m(t[1])/m(n[1]):.2f}  instructions {ins}  loadavg {sys.argv[3]}")
EOF
    ;;
  perf)
    SECS="${2:-10}"
    measure 18083 "${WARM:-20}" $TG >/dev/null
    taskset -c 1 wrk -t1 -c64 -d"$((SECS + 2))s" "${TG_HEADERS[@]}" http://127.0.0.1:18083/prod/0 >/dev/null &
    WRK=$!
    sleep 1
    perf record -F 999 -g -p "$TG" -o "$WORK/perf.data" -- sleep "$SECS" 2>/dev/null
    wait $WRK || true
    if [ -n "${PERF_OUT:-}" ]; then cp "$WORK/perf.data" "$PERF_OUT"; cp "/tmp/perf-$TG.map" "$PERF_OUT.map" 2>/dev/null || true; fi
    echo "--- by module"
    perf report -i "$WORK/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -n 15 || true
    echo "--- by symbol"
    perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -n "${TOP:-60}" || true
    ;;
  strace)
    # System calls per request of Tollgate and of nginx (strace slows both down; the counts stay).
    measure 18083 "${WARM:-10}" $TG >/dev/null
    for target in tollgate nginx; do
      if [ "$target" = tollgate ]; then port=18083; pids=$TG; else port=18081; pids="$(IFS=,; echo "${NGINX_PIDS[*]}")"; fi
      strace -c -f -p "$pids" -o "$WORK/strace.$target" 2>/dev/null & st=$!
      sleep 1
      n="$(taskset -c 1 wrk -t1 -c64 -d3s -s "$HERE/lib/report.lua" "http://127.0.0.1:$port/prod/0" | grep '^{' | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')"
      kill -INT $st; wait $st 2>/dev/null || true
      echo "--- $target: $n requests; calls per request:"
      awk -v n="$n" '$1 ~ /^[0-9.]+$/ && NF >= 5 { name = $NF; calls = $4; if (calls ~ /^[0-9]+$/ && calls / n >= 0.01) printf "  %-22s %.2f\n", name, calls / n }' "$WORK/strace.$target" | sort -k2 -rn
    done
    ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
