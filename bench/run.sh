#!/usr/bin/env bash
# bench/run.sh — measure warmcgi (cold, warm and fork) side by side with the peers, in one run, on
# the shared workloads (../shared/bench/cgi-bin), and print the summary with the ratios.
#
#   bench/run.sh                      # default: Apache mod_cgid, lighttpd, uWSGI+wrapper (2 procs)
#   SERVERS="apache-event-cgid" SCRIPTS="hello sh" DURATION=5 REPS=1 bench/run.sh
#
# Everything is on 127.0.0.1 and bounded in time. Results land in the folder printed at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shared="$(cd "$root/../shared/bench" && pwd)"
out="$(mktemp -d /tmp/warmcgi-bench.XXXXXX)"
COLD_PORT="${COLD_PORT:-18040}"
WARM_PORT="${WARM_PORT:-18041}"
FORK_PORT="${FORK_PORT:-18042}"

dotnet publish "$root/src/WarmCgi.Cli" -c Release -o "$out/warmcgi" >/dev/null
start() {  # mode port
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
    "$out/warmcgi/warmcgi" serve --listen "127.0.0.1:$2" --mode "$1" --access-log off \
    --script-alias "/cgi-bin=$shared/cgi-bin" >"$out/$1.log" 2>&1 &
  echo $! >"$out/$1.pid"
}
trap 'kill $(cat "$out"/*.pid) 2>/dev/null || true' EXIT
# The servers start in a subshell that then becomes peers.sh (exec keeps its pid): they are
# its children, so peers.sh counts their CPU (workers included) as the run's own, not as
# another process's load that spoils the measurement.
(
  start cold "$COLD_PORT"
  start warm "$WARM_PORT"
  start fork "$FORK_PORT"
  for port in "$COLD_PORT" "$WARM_PORT" "$FORK_PORT"; do
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/cgi-bin/hello.sh" >/dev/null && break; sleep 0.2; done
  done
  cd "$shared"
  SERVERS="${SERVERS:-apache-event-cgid lighttpd-cgi uwsgi-wrap-p2}" \
  EXTRA="warmcgi-cold=$COLD_PORT warmcgi-warm=$WARM_PORT warmcgi-fork=$FORK_PORT" \
  SCRIPTS="${SCRIPTS:-hello heavy post sh}" CONCS="${CONCS:-1 16}" \
  DURATION="${DURATION:-10}" REPS="${REPS:-2}" RESULTS="$out/results" exec ./peers.sh all
)
echo
echo "warmcgi beside the peers (ratios of requests/s, same run):"
"$here/ratios.py" "$out/results"
