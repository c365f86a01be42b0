#!/usr/bin/env bash
# Measures the ciab_events callback's overhead: a 2,000-task playbook on localhost, run with the default stdout
# callback alone ("off") and with ciab_events writing NDJSON to a file ("on"), interleaved, 3 runs each; prints
# the median wall and CPU (user+sys of the process tree) seconds per variant. Not part of npm test.
#
#   scripts/bench-callback.sh [TASKS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
tasks=${1:-2000}
runs=${2:-3}
venv=$(bash "$here/kolla-venv.sh" | tail -n 1)
work=$(mktemp -d "${TMPDIR:-/tmp}/ciab-bench-callback-$$-XXXX")
trap 'rm -rf "$work"' EXIT

echo 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3' > "$work/hosts"
{
  printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n'
  for i in $(seq 1 "$tasks"); do printf '    - name: task %d\n      ansible.builtin.debug: { msg: "%d" }\n' "$i" "$i"; done
} > "$work/big.yml"

measure() { # variant -> "wall cpu"
  local variant=$1 events="$work/events-$1-$RANDOM.ndjson"
  local -a env=(ANSIBLE_CONFIG="$root/ansible/ansible.cfg" ANSIBLE_LOCAL_TEMP="$work/tmp" ANSIBLE_HOME="$work/home")
  if [ "$variant" = on ]; then
    env+=(ANSIBLE_CALLBACK_PLUGINS="$root/ansible/callback_plugins" ANSIBLE_CALLBACKS_ENABLED=ciab_events CIAB_EVENT_FILE="$events")
  else
    env+=(ANSIBLE_CALLBACKS_ENABLED=default)  # an empty list is an error in ansible-core 2.19
  fi
  local out
  out=$( { env "${env[@]}" /usr/bin/time -f '%e %U %S' "$venv/bin/ansible-playbook" -i "$work/hosts" "$work/big.yml" >/dev/null; } 2>&1 | tail -n 1)
  if [ "$variant" = on ]; then
    local n; n=$(wc -l < "$events")
    [ "$n" -ge $((tasks * 2)) ] || { echo "ciab_events wrote only $n events" >&2; exit 1; }
  fi
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$out"
}

declare -a on_wall off_wall on_cpu off_cpu
for r in $(seq 1 "$runs"); do
  for variant in off on; do
    read -r wall cpu < <(measure "$variant")
    echo "run $r $variant: wall ${wall}s cpu ${cpu}s" >&2
    eval "${variant}_wall+=($wall); ${variant}_cpu+=($cpu)"
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf 'tasks=%s runs=%s load=%s\n' "$tasks" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'off: median wall %ss, median cpu %ss\n' "$(median "${off_wall[@]}")" "$(median "${off_cpu[@]}")"
printf 'on:  median wall %ss, median cpu %ss\n' "$(median "${on_wall[@]}")" "$(median "${on_cpu[@]}")"
