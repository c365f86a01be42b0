#!/usr/bin/env bash
# The suite under load: one busy loop per core for the whole time, and `npm test` RUNS times in a row (default 3),
# stopping at the first failure. Each run's result and wall time are printed and appended to $LOG.
#
#   scripts/suite-under-load.sh [RUNS]
set -uo pipefail
runs=${1:-3}
log=${LOG:-$(mktemp --suffix=.log)}
hogs=()
stop() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done; }
trap stop EXIT
for _ in $(seq "$(nproc)"); do
  bash -c 'while :; do :; done' &
  hogs+=($!)
done
echo "busy loops: ${hogs[*]} (one per core); log: $log"
for i in $(seq "$runs"); do
  start=$(date +%s)
  npm test >>"$log" 2>&1
  rc=$?
  line="run $i of $runs: exit $rc, $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$line" | tee -a "$log"
  [ "$rc" -eq 0 ] || exit "$rc"
done
