#!/usr/bin/env bash
# Tollgate against nginx and HAProxy as plain reverse proxies, on loopback, on this machine.
#
#   bench/run.sh            the full run (about 15 minutes on 2 cores)
#   bench/run.sh --quick    the same figures at lower precision (about 100 s once built, most of it
#                           Tollgate's warm-up)
#
# Prints a markdown table and writes bench/results/latest.json (every figure, ratios to nginx).
# Installs nginx, haproxy, wrk and nghttp2-client (h2load) with apt-get when they are missing.
# Traffic goes to 127.0.0.1 only; every load run is bounded by its duration.
# See docs/performance.md for what is measured and how to read it.
set -euo pipefail

QUICK=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --keep) KEEP=1 ;;    # keep the work directory (configs, raw results, logs) for inspection
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
LIB="$HERE/lib"

if [ "$QUICK" = 1 ]; then
  DURATION=1; ROUNDS=1; WARMUP=1; WARMUP_TOLLGATE_A=20; WARMUP_TOLLGATE_B=8; LAT_DURATION=1; RELOAD_LOAD=3; IDLE_SAMPLE=1
else
  DURATION=5; ROUNDS=5; WARMUP=5; WARMUP_TOLLGATE_A=25; WARMUP_TOLLGATE_B=15; LAT_DURATION=10; RELOAD_LOAD=8; IDLE_SAMPLE=5
fi
# Tollgate's warm-up is longer: tiered compilation with PGO keeps compiling for about 20 s of
# traffic on one core (layout A) before the hot methods run fully optimised; until then a run
# measures the JIT more than the gateway (2.5x the instructions per request after 10 s).
CONNS=(16 64 256)
LAT_CONNS=16

BACKEND_PORT=18080
declare -A PORT=([nginx]=18081 [haproxy]=18082 [tollgate]=18083 [tollgate-key]=18084 [tollgate-jwt]=18085)

# ---------------------------------------------------------------- prerequisites
need_install=()
command -v nginx >/dev/null || need_install+=(nginx)
command -v haproxy >/dev/null || need_install+=(haproxy)
command -v wrk >/dev/null || need_install+=(wrk)
command -v h2load >/dev/null || need_install+=(nghttp2-client)
command -v python3 >/dev/null || need_install+=(python3)
command -v openssl >/dev/null || need_install+=(openssl)
command -v curl >/dev/null || need_install+=(curl)
command -v taskset >/dev/null || need_install+=(util-linux)
command -v perf >/dev/null || need_install+=(linux-perf)
if [ ${#need_install[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing: ${need_install[*]}. Install them (apt-get install ${need_install[*]}) or run as root." >&2
    exit 1
  fi
  echo "Installing ${need_install[*]} ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]/linux-perf/}" >/dev/null
fi
# Instructions per request (user and kernel) come from perf's hardware counters, when the machine
# exposes them: unlike CPU time they do not depend on what else the machine is doing.
PERF_OK=0
if command -v perf >/dev/null && perf stat -e instructions:u -x, true 2>&1 | grep -q '^[0-9]'; then PERF_OK=1; fi
if [ "$(nproc)" -lt 2 ]; then
  echo "Layout A needs two cores (proxy on core 0, load generator and backend on core 1)." >&2
  exit 1
fi

WORK="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
chmod 755 "$WORK"   # nginx workers run as an unprivileged user and read the content under it
RAW="$WORK/raw.jsonl"
: >"$RAW"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$KEEP" = 1 ]; then echo "Work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------- build Tollgate (Release)
# Published once per source state into /tmp, so that a second run does not build again.
SRC_HASH="$( (cd "$ROOT" && git rev-parse HEAD 2>/dev/null; cd "$ROOT" && git diff HEAD -- src bench/Tollgate.Benchmarks 2>/dev/null) | sha256sum | cut -c1-16)"
BUILD="/tmp/tollgate-bench-build-$SRC_HASH"
if [ ! -x "$BUILD/tollgate/tollgate" ] || [ ! -f "$BUILD/benchmarks/Tollgate.Benchmarks.dll" ]; then
  log "Publishing Tollgate (Release) into $BUILD ..."
  rm -rf "$BUILD"
  dotnet publish "$ROOT/src/Tollgate/Tollgate.csproj" -c Release -o "$BUILD/tollgate" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; exit 1; }
  dotnet build "$ROOT/bench/Tollgate.Benchmarks/Tollgate.Benchmarks.csproj" -c Release -o "$BUILD/benchmarks" -nologo -v quiet >"$WORK/build-bench.log" 2>&1 \
    || { cat "$WORK/build-bench.log" >&2; exit 1; }
fi
TOLLGATE="$BUILD/tollgate/tollgate"

# ---------------------------------------------------------------- helpers
# Machine-wide busy share over a few seconds (100 = both cores busy): the load others put on it.
machine_busy() {
  local seconds="$1" a b
  a=($(head -n1 /proc/stat)); sleep "$seconds"; b=($(head -n1 /proc/stat))
  python3 - "${a[*]}" "${b[*]}" <<'EOF'
import sys
a = [int(x) for x in sys.argv[1].split()[1:]]; b = [int(x) for x in sys.argv[2].split()[1:]]
d = [y - x for x, y in zip(a, b)]; idle = d[3] + d[4]; total = sum(d[:8])
print(f"{100.0 * (total - idle) / total:.1f}" if total else "0")
EOF
}

# wait_port PORT [PID]: until something listens on PORT; gives up early when PID has exited.
wait_port() {
  local port="$1" pid="${2:-}" i
  for i in $(seq 1 400); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "nothing listens on port $port" >&2
  return 1
}

# The processes whose CPU time counts for a proxy: the process and its children (nginx workers).
proxy_pids() {
  local pid="$1"
  echo "$pid"
  pgrep -P "$pid" 2>/dev/null || true
}

cpu_ticks() {
  local total=0 pid stat rest
  for pid in "$@"; do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    rest="${stat##*) }"
    # Fields after the command: state is 3; utime and stime are fields 14 and 15.
    set -- $rest
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# write_nginx_conf DIR WORKERS: what the backend and the nginx proxy share; the rest of the http
# block comes on standard input.
write_nginx_conf() {
  local dir="$1" workers="$2"
  mkdir -p "$dir/logs" "$dir/tmp"
  {
    cat <<EOF
worker_processes $workers;
error_log $dir/logs/error.log crit;
pid $dir/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  tcp_nodelay on;
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
EOF
    cat
    echo "}"
  } >"$dir/nginx.conf"
}

write_backend_conf() {
  write_nginx_conf "$WORK/backend" "$1" <<EOF
  sendfile on;
  tcp_nopush on;
  open_file_cache max=64;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$BACKEND_PORT backlog=4096;
    root $WORK/www;
    location / { }
  }
EOF
}

write_nginx_proxy_conf() {
  write_nginx_conf "$WORK/nginx-proxy" "$1" <<EOF
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 1024;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:${PORT[nginx]} backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
EOF
}

write_haproxy_conf() {
  local threads="$1"
  cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread $threads
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  option forwardfor
  http-reuse always
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s
frontend bench
  bind 127.0.0.1:${PORT[haproxy]}
  default_backend backend
backend backend
  server b1 127.0.0.1:$BACKEND_PORT
EOF
}

# start NAME CPUSET COMMAND...: runs it in the background, remembers its pid in STARTED_PID.
start() {
  local name="$1" cpus="$2"; shift 2
  if [ -n "$cpus" ]; then
    taskset -c "$cpus" "$@" >"$WORK/$name.out" 2>&1 &
  else
    "$@" >"$WORK/$name.out" 2>&1 &
  fi
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

stop() {
  local pid="$1"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Whether a Tollgate policy variant really enforces its policies: the right credentials pass, and
# leaving one out is refused the way API Gateway refuses it. Prints "ok" or why not.
probe_variant() {
  local variant="$1" port="$2" key token code
  key="$(python3 "$LIB/gen.py" api-key)"
  token="$(cat "$WORK/jwt.token")"
  local -a good=(-H "x-api-key: $key")
  [ "$variant" = tollgate-jwt ] && good+=(-H "Authorization: $token")
  code="$(curl -s -o "$WORK/probe.body" -w '%{http_code}' "${good[@]}" "http://127.0.0.1:$port/prod/0" || true)"
  if [ "$code" != 200 ]; then
    echo "with valid credentials: HTTP $code $(head -c 200 "$WORK/probe.body" 2>/dev/null)"
    return
  fi
  code="$(curl -s -o /dev/null -w '%{http_code}' ${token:+-H "Authorization: $token"} "http://127.0.0.1:$port/prod/0" || true)"
  if [ "$code" != 403 ]; then echo "without the API key: HTTP $code, expected 403"; return; fi
  if [ "$variant" = tollgate-jwt ]; then
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $key" "http://127.0.0.1:$port/prod/0" || true)"
    if [ "$code" != 401 ]; then echo "without the token: HTTP $code, expected 401"; return; fi
  fi
  echo ok
}

# ---------------------------------------------------------------- content and configs
python3 "$LIB/gen.py" backend "$WORK/www"
python3 "$LIB/gen.py" keys "$WORK" "$WORK/www"
for variant in plain key jwt; do
  python3 "$LIB/gen.py" tollgate "$WORK/tollgate-$variant" "$variant"
done

META="$WORK/meta.json"
log "Measuring the load others put on the machine ($IDLE_SAMPLE s) ..."
BUSY_BEFORE="$(machine_busy "$IDLE_SAMPLE")"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "Machine busy before the run: $BUSY_BEFORE% of $(nproc) cores; load average $LOAD_BEFORE"

# ---------------------------------------------------------------- throughput and CPU cost
declare -A PROXY_PID
declare -A AVAILABLE
declare -A UNAVAILABLE_REASON

start_proxies() {
  local layout="$1" cpus="" workers=1 name pid verdict
  [ "$layout" = A ] && cpus=0
  [ "$layout" = B ] && workers=2
  write_nginx_proxy_conf "$workers"
  start nginx-proxy-$layout "$cpus" nginx -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf" -g "daemon off;"
  PROXY_PID[nginx]=$STARTED_PID
  write_haproxy_conf "$workers"
  start haproxy-$layout "$cpus" haproxy -db -f "$WORK/haproxy.cfg"
  PROXY_PID[haproxy]=$STARTED_PID
  for name in tollgate tollgate-key tollgate-jwt; do
    local variant="${name#tollgate}"; variant="${variant#-}"; variant="${variant:-plain}"
    local -a env=(env DOTNET_gcServer=0)
    [ "$layout" = A ] && env+=(DOTNET_PROCESSOR_COUNT=1)
    start "$name-$layout" "$cpus" "${env[@]}" "$TOLLGATE" serve --config "$WORK/tollgate-$variant/tollgate.yaml" \
      --listen "http://127.0.0.1:${PORT[$name]}" --log-level Warning
    PROXY_PID[$name]=$STARTED_PID
  done
  for name in nginx haproxy tollgate tollgate-key tollgate-jwt; do
    if ! wait_port "${PORT[$name]}" "${PROXY_PID[$name]}" 2>/dev/null; then
      if [[ "$name" == tollgate-* ]]; then
        AVAILABLE[$name]=0
        local why
        why="$(grep -o "unknown key '[^']*'" "$WORK/$name-$layout.out" | sort -u | tr '\n' ' ')"
        [ -n "$why" ] || why="$(grep -m2 -i 'error' "$WORK/$name-$layout.out" | tr '\n' ' ' | cut -c1-200)"
        UNAVAILABLE_REASON[$name]="not available yet: this build refuses the config (${why% })"
        continue
      fi
      cat "$WORK/$name-$layout.out" >&2
      exit 1
    fi
    if [[ "$name" == tollgate-* ]]; then
      verdict="$(probe_variant "$name" "${PORT[$name]}")"
      if [ "$verdict" = ok ]; then
        AVAILABLE[$name]=1
      else
        AVAILABLE[$name]=0
        UNAVAILABLE_REASON[$name]="not available yet: $verdict"
      fi
    else
      AVAILABLE[$name]=1
    fi
  done
  # Plain Tollgate must really proxy.
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[tollgate]}/prod/1k")" = 200 ] \
    || { echo "Tollgate does not proxy /prod/1k" >&2; cat "$WORK/tollgate-$layout.out" >&2; exit 1; }
}

stop_proxies() {
  local name
  for name in nginx haproxy tollgate tollgate-key tollgate-jwt; do
    stop "${PROXY_PID[$name]}"
  done
}

wrk_headers() {
  local name="$1"
  case "$name" in
    tollgate-key) printf '%s\n' -H "x-api-key: $(python3 "$LIB/gen.py" api-key)" ;;
    tollgate-jwt) printf '%s\n' -H "x-api-key: $(python3 "$LIB/gen.py" api-key)" -H "Authorization: $(cat "$WORK/jwt.token")" ;;
  esac
}

# run_wrk LAYOUT PROXY BODY CONNS ROUND DURATION: one measured run, appended to $RAW.
run_wrk() {
  local layout="$1" name="$2" body="$3" conns="$4" round="$5" duration="$6"
  local loadcpus="" port="${PORT[$name]}" before after busy_a busy_b out
  [ "$layout" = A ] && loadcpus=1
  local -a headers=()
  mapfile -t headers < <(wrk_headers "$name")
  local -a pids
  mapfile -t pids < <(proxy_pids "${PROXY_PID[$name]}")
  local -a cmd=(wrk -t1 "-c$conns" "-d${duration}s" --latency --timeout 5s -s "$LIB/report.lua" "${headers[@]}" "http://127.0.0.1:$port/prod/$body")
  [ -n "$loadcpus" ] && cmd=(taskset -c "$loadcpus" "${cmd[@]}")
  local perfpid="" instr='{}'
  if [ "$PERF_OK" = 1 ]; then
    perf stat -e instructions:u,instructions:k -x, -p "$(IFS=,; echo "${pids[*]}")" -o "$WORK/perf.stat" 2>/dev/null &
    perfpid=$!
    sleep 0.1
  fi
  busy_a=($(head -n1 /proc/stat))
  before="$(cpu_ticks "${pids[@]}")"
  out="$("${cmd[@]}" 2>&1 | grep '^{' | tail -n1)" || true
  after="$(cpu_ticks "${pids[@]}")"
  busy_b=($(head -n1 /proc/stat))
  if [ -n "$perfpid" ]; then
    kill -INT "$perfpid" 2>/dev/null || true
    wait "$perfpid" 2>/dev/null || true
    instr="$(awk -F, '$1 ~ /^[0-9]+$/ && $3 ~ /:u$/ { u = $1 } $1 ~ /^[0-9]+$/ && $3 ~ /:k$/ { k = $1 }
      END { printf "{\"user\":%.0f,\"kernel\":%.0f}", u, k }' "$WORK/perf.stat")"
  fi
  if [ -z "$out" ]; then
    log "wrk gave no result for $name $body c$conns"
    return
  fi
  local machine_ticks=0 i
  for i in 1 2 3 6 7 8; do machine_ticks=$((machine_ticks + busy_b[i] - busy_a[i])); done
  printf '{"kind":"throughput","layout":"%s","proxy":"%s","body":"%s","conns":%d,"round":%d,"cpu_ticks":%d,"machine_busy_ticks":%d,"clk_tck":%d,"instructions":%s,"wrk":%s}\n' \
    "$layout" "$name" "$body" "$conns" "$round" "$((after - before))" "$machine_ticks" "$(getconf CLK_TCK)" "$instr" "$out" >>"$RAW"
}

CASES=()
for c in "${CONNS[@]}"; do CASES+=("0:$c"); done
CASES+=("1k:64" "16k:64")

for layout in A B; do
  log "Layout $layout: starting the backend and the proxies ..."
  if [ "$layout" = A ]; then write_backend_conf 1; bcpus=1; else write_backend_conf 2; bcpus=""; fi
  start backend-$layout "$bcpus" nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -g "daemon off;"
  BACKEND_PID=$STARTED_PID
  wait_port "$BACKEND_PORT"
  start_proxies "$layout"
  proxies=(nginx haproxy tollgate)
  for name in tollgate-key tollgate-jwt; do
    if [ "${AVAILABLE[$name]}" = 1 ]; then proxies+=("$name"); else log "$name: ${UNAVAILABLE_REASON[$name]}"; fi
  done
  for name in "${proxies[@]}"; do
    warm="$WARMUP"
    if [[ "$name" == tollgate* ]]; then
      if [ "$layout" = A ]; then warm="$WARMUP_TOLLGATE_A"; else warm="$WARMUP_TOLLGATE_B"; fi
    fi
    log "Layout $layout: warming up $name (${warm} s, discarded)"
    run_wrk "$layout" "$name" 0 64 0 "$warm"
  done
  for round in $(seq 1 "$ROUNDS"); do
    n=${#proxies[@]}
    for i in $(seq 0 $((n - 1))); do
      name="${proxies[$(((i + round - 1) % n))]}"
      for case in "${CASES[@]}"; do
        run_wrk "$layout" "$name" "${case%%:*}" "${case##*:}" "$round" "$DURATION"
      done
    done
    log "Layout $layout: round $round of $ROUNDS done"
  done

  # ------------------------------------------------------------ latency at fixed load (layout A)
  if [ "$layout" = A ]; then
    NGINX_MAX="$(python3 - "$RAW" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
best = 0
for c in (16, 64, 256):
    rps = [r["wrk"]["requests"] / (r["wrk"]["duration_us"] / 1e6) for r in rows
           if r["kind"] == "throughput" and r["layout"] == "A" and r["proxy"] == "nginx" and r["body"] == "0"
           and r["conns"] == c and r["round"] > 0]
    if rps:
        best = max(best, statistics.median(rps))
print(int(best))
EOF
)"
    log "Latency at fixed load: nginx's maximum in layout A is $NGINX_MAX requests/s"
    for pct in 25 50 75; do
      rate=$((NGINX_MAX * pct / 100))
      per_client=$(( (rate + LAT_CONNS - 1) / LAT_CONNS ))
      for name in "${proxies[@]}"; do
        mapfile -t headers < <(wrk_headers "$name")
        h2headers=()
        for ((j = 1; j < ${#headers[@]}; j += 2)); do h2headers+=(-H "${headers[$j]}"); done
        logfile="$WORK/h2load-$name-$pct.tsv"
        out="$(taskset -c 1 h2load --h1 -t1 -c"$LAT_CONNS" --rps="$per_client" -D "$LAT_DURATION" \
          --log-file="$logfile" "${h2headers[@]}" "http://127.0.0.1:${PORT[$name]}/prod/0" 2>&1 || true)"
        python3 - "$logfile" "$name" "$pct" "$rate" "$LAT_DURATION" "$out" >>"$RAW" <<'EOF'
import json, re, sys
path, name, pct, target, duration, out = sys.argv[1:7]
lat, ok, failed = [], 0, 0
try:
    for line in open(path):
        parts = line.split()
        if len(parts) >= 3:
            lat.append(int(parts[2]))
            if parts[1].startswith("2"): ok += 1
            else: failed += 1
except FileNotFoundError:
    pass
lat.sort()
def pc(p):
    return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else None
m = re.search(r"finished in ([0-9.]+)(m?s), ([0-9.]+) req/s", out)
achieved = float(m.group(3)) if m else (len(lat) / float(duration))
print(json.dumps({"kind": "latency", "layout": "A", "proxy": name, "load_pct": int(pct), "target_rps": int(target),
                  "achieved_rps": round(achieved, 1), "requests": len(lat), "non_2xx": failed,
                  "p50_us": pc(50), "p90_us": pc(90), "p99_us": pc(99), "max_us": lat[-1] if lat else None}))
EOF
      done
      log "Latency at $pct% of nginx's maximum ($rate requests/s) done"
    done
  fi
  stop_proxies
  stop "$BACKEND_PID"
done

# ---------------------------------------------------------------- memory, reload and routing at scale
log "Scale: idle memory with 1,000 routes, reload of 10,000 routes under load, route matching"
write_backend_conf 1
start backend-scale "" nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -g "daemon off;"
BACKEND_PID=$STARTED_PID
wait_port "$BACKEND_PORT"

python3 "$LIB/gen.py" tollgate "$WORK/routes-1k" routes 1000 0
start tollgate-1k "" "$TOLLGATE" serve --config "$WORK/routes-1k/tollgate.yaml" --listen "http://127.0.0.1:18090" --log-level Warning
TG_PID=$STARTED_PID
wait_port 18090
for i in 0 1 2 500 999; do curl -s -o /dev/null "http://127.0.0.1:18090/prod/r$i/x"; done
sleep 3
RSS_KB="$(awk '/^VmRSS/ {print $2}' "/proc/$TG_PID/status")"
echo "{\"kind\":\"memory\",\"routes\":1000,\"rss_kb\":$RSS_KB}" >>"$RAW"
stop "$TG_PID"

python3 "$LIB/gen.py" tollgate "$WORK/routes-10k" routes 10000 0
start tollgate-10k "" "$TOLLGATE" serve --config "$WORK/routes-10k/tollgate.yaml" --listen "http://127.0.0.1:18091" --log-level Information
TG_PID=$STARTED_PID
wait_port 18091
curl -s -o /dev/null "http://127.0.0.1:18091/prod/r7/x"
# Load on an existing route while the definition is replaced by one with another 10,000 routes.
wrk -t1 -c16 "-d${RELOAD_LOAD}s" --timeout 5s -s "$LIB/report.lua" "http://127.0.0.1:18091/prod/r7/x" 2>&1 | grep '^{' | tail -n1 >"$WORK/reload-wrk.json" &
WRK_PID=$!
sleep 1
python3 "$LIB/gen.py" tollgate "$WORK/routes-10k-next" routes 10000 1
written_ns="$(date +%s%N)"
cp "$WORK/routes-10k-next/api.json" "$WORK/routes-10k/api.json.tmp"
mv "$WORK/routes-10k/api.json.tmp" "$WORK/routes-10k/api.json"
seen_ns=""
for i in $(seq 1 500); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:18091/prod/new1/x")" = 200 ]; then
    seen_ns="$(date +%s%N)"; break
  fi
  sleep 0.01
done
wait "$WRK_PID" || true
python3 - "$WORK/reload-wrk.json" "$written_ns" "${seen_ns:-0}" >>"$RAW" <<'EOF'
import json, sys
wrk = json.load(open(sys.argv[1])) if open(sys.argv[1]).read().strip() else {}
written, seen = int(sys.argv[2]), int(sys.argv[3])
print(json.dumps({"kind": "reload", "routes": 10000, "observed_ms": round((seen - written) / 1e6, 1) if seen else None,
                  "debounce_ms": 250, "wrk": wrk}))
EOF
stop "$TG_PID"
stop "$BACKEND_PID"

# In-process: compile + swap time and route matching with 10,000 routes (Stopwatch, medians of batches).
SCALE_ITER=5; [ "$QUICK" = 1 ] && SCALE_ITER=3
dotnet "$BUILD/benchmarks/Tollgate.Benchmarks.dll" scale --routes 10000 --iterations "$SCALE_ITER" \
  --config "$WORK/routes-10k/tollgate.yaml" --config "$WORK/routes-10k-next/tollgate.yaml" >"$WORK/scale.json" 2>"$WORK/scale.err" \
  || { cat "$WORK/scale.err" >&2; exit 1; }
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['kind']='scale'; print(json.dumps(d))" "$WORK/scale.json" >>"$RAW"

BUSY_AFTER="$(machine_busy "$IDLE_SAMPLE")"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
unavailable_json="{"
first=1
for name in tollgate-key tollgate-jwt; do
  if [ "${AVAILABLE[$name]:-0}" != 1 ]; then
    reason="${UNAVAILABLE_REASON[$name]:-not available yet}"
    [ $first = 1 ] || unavailable_json+=","
    unavailable_json+="$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]) + ":" + json.dumps(sys.argv[2]))' "$name" "$reason")"
    first=0
  fi
done
unavailable_json+="}"
python3 - >"$META" <<EOF
import json, os, platform, subprocess
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return ""
print(json.dumps({
  "date": sh("date -u +%Y-%m-%dT%H:%M:%SZ"),
  "mode": "quick" if $QUICK else "full",
  "git": sh("cd '$ROOT' && git rev-parse --short HEAD") + (" (with uncommitted changes)" if sh("cd '$ROOT' && git status --porcelain -- src bench") else ""),
  "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
  "cores": os.cpu_count(),
  "kernel": platform.release(),
  "dotnet": sh("'$TOLLGATE' --version 2>/dev/null | head -n1") or sh("dotnet --list-runtimes | grep Microsoft.NETCore.App | tail -n1"),
  "nginx": sh("nginx -v 2>&1"), "haproxy": sh("haproxy -v | head -n1"), "wrk": sh("wrk -v 2>&1 | head -n1"),
  "h2load": sh("h2load --version"),
  "duration_s": $DURATION, "rounds": $ROUNDS, "warmup_s": $WARMUP, "latency_duration_s": $LAT_DURATION,
  "machine_busy_before_pct": float("$BUSY_BEFORE"), "machine_busy_after_pct": float("$BUSY_AFTER"),
  "loadavg_before": "$LOAD_BEFORE", "loadavg_after": "$LOAD_AFTER",
  "unavailable": $unavailable_json,
}))
EOF

mkdir -p "$HERE/results"
python3 "$LIB/report.py" "$RAW" "$META" "$HERE/results/latest.json"
cp "$RAW" "$HERE/results/latest-raw.jsonl"
