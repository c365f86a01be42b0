// Per-file cost of the suite (`CIAB_FILE_COST=/path/log.ndjson npx vitest run`): one line per test file with its
// wall seconds and the CPU seconds of its worker and every child process it waited for (ansible-playbook,
// kolla-genpwd, the CLI). The wall time of a file on a shared 2-core machine is mostly other people's load; its CPU
// is what the file costs; `start` (ISO time) shows how the files were packed over the run. Daemons a test starts (a
// tmux server) are not its children and are not counted.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { cpuMsWithChildren } from './cpu.js';

const log = process.env.CIAB_FILE_COST;
if (log) {
  let file = '';
  let wall = 0;
  let cpu = 0;
  let start = 0;
  beforeAll(() => {
    file = path.relative(path.join(import.meta.dirname, '..', '..'), expect.getState().testPath ?? '?');
    wall = performance.now();
    start = Date.now();
    cpu = cpuMsWithChildren();
  });
  afterAll(() => {
    const line = { file, start: new Date(start).toISOString(), wallSeconds: Math.round((performance.now() - wall) / 100) / 10, cpuSeconds: Math.round((cpuMsWithChildren() - cpu) / 100) / 10 };
    appendFileSync(log, `${JSON.stringify(line)}\n`);
  });
}
