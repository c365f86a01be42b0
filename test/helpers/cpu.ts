// CPU time instead of wall time for "is fast" checks: on a shared 2-core machine the wall time of a few ms of
// work depends on everyone else's load, the CPU it costs does not. Linux only (/proc/self/stat).
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture we run on

/** CPU milliseconds used so far by this process and its children that have exited (utime+stime+cutime+cstime). */
export function cpuMsWithChildren(): number {
  // Fields after the command name, which is in parentheses and may contain spaces.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 of stat(5); fields[0] here is field 3.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The CPU milliseconds `work` costs this process and the child processes it waits for. */
export async function cpuMsOf(work: () => Promise<unknown>): Promise<number> {
  const before = cpuMsWithChildren();
  await work();
  return cpuMsWithChildren() - before;
}
