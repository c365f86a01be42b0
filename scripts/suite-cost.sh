#!/usr/bin/env bash
# What a test run costs on this machine: its wall time, the machine's busy and idle CPU seconds over it (all of
# /proc/stat: tmux servers, detached children and vitest itself included, and anything else running), and the
# costliest test files by CPU (CIAB_FILE_COST, test/helpers/file-cost.ts). Run it on a quiet machine.
#
#   scripts/suite-cost.sh                      # npm test
#   scripts/suite-cost.sh npx vitest run FILE  # any command
#
# The per-file log stays in $CIAB_FILE_COST (default: a temp file, named at the end).
set -uo pipefail
[ $# -gt 0 ] || set -- npm test
export CIAB_FILE_COST=${CIAB_FILE_COST:-$(mktemp --suffix=.ndjson)}
: >"$CIAB_FILE_COST"
ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat; }
hz=$(getconf CLK_TCK)
read -r busy0 idle0 < <(ticks)
start=$(date +%s.%N)
"$@"
rc=$?
end=$(date +%s.%N)
read -r busy1 idle1 < <(ticks)
node - "$CIAB_FILE_COST" "$rc" "$start" "$end" "$(( (busy1 - busy0) / hz ))" "$(( (idle1 - idle0) / hz ))" <<'JS'
const [log, rc, start, end, busy, idle] = process.argv.slice(2);
const rows = require('node:fs').readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const cpu = rows.reduce((sum, r) => sum + r.cpuSeconds, 0);
console.log(`exit ${rc} · wall ${(Number(end) - Number(start)).toFixed(0)} s · machine CPU busy ${busy} s, idle ${idle} s · ${rows.length} files, ${cpu.toFixed(0)} s CPU counted for them`);
for (const r of rows.sort((a, b) => b.cpuSeconds - a.cpuSeconds).slice(0, 10)) console.log(`  ${String(r.cpuSeconds).padStart(6)} s CPU ${String(r.wallSeconds).padStart(6)} s wall  ${r.file}`);
console.log(`per-file log: ${log}`);
JS
exit "$rc"
