// /proc readings the run engine needs to tell a live process from a recycled pid: start times, the boot id,
// parent links (ansible's workers call setsid, so only their ppid ties them to ansible-playbook), and signals.
import { readdirSync, readFileSync } from 'node:fs';

export function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Fields after the command name of /proc/PID/stat (the name may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/PID/stat (clock ticks after boot): with the boot id it names one process for good. */
export function readPidStart(pid: number): number | null {
  const fields = statFields(pid);
  // fields[0] is field 3 (state), so field 22 is fields[19].
  return fields ? Number(fields[19]) : null;
}

/** Alive and not a zombie; when a start time is given, also the same process (not a recycled pid). */
export function isProcessAlive(pid: number, start?: number | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const fields = statFields(pid);
  if (!fields || fields[0] === 'Z' || fields[0] === 'X') return false;
  return start == null || Number(fields[19]) === start;
}

/** Direct children of pid, from every /proc/N/stat's ppid. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** pid and all its descendants, found before anything is signalled (a killed parent orphans them to pid 1). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i += 1) all.push(...childPids(all[i]!));
  return all;
}

/** Send a signal; false when the process (or group, for a negative pid) is gone. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
