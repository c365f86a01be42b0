// `ciab status [--json]`: installed or not, the last run's phases, a running run (followed until it ends), and,
// once deployed, the health of containers and API endpoints.
import type { Env } from '../env/types.js';
import { inspectLock } from '../env/lock.js';
import { readStatus } from '../app/status.js';
import { reattach } from '../app/install-run.js';
import { runPaths } from '../run/paths.js';
import { createLinesReporter, safeStream } from '../ui/reporters/index.js';
import { formatStatus } from '../ui/status-lines.js';

export async function runStatus(env: Env, o: { stateDir?: string; out?: string; json?: boolean; follow?: boolean }): Promise<void> {
  const paths = runPaths(o.stateDir, o.out);
  const report = await readStatus(paths, env.host, {
    probe: true,
    venv: env.vars.CIAB_KOLLA_VENV ?? paths.kollaVenv,
    projectRoot: env.projectRoot,
    cloudsYaml: env.vars.CIAB_CLOUDS_YAML || undefined,
  });
  if (o.json) {
    env.terminal.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  env.terminal.stdout.write(formatStatus(report));
  const holder = inspectLock(paths.lockFile);
  if (holder && o.follow !== false) {
    env.terminal.stdout.write('Following its progress (Ctrl-C leaves it running):\n');
    await reattach(holder, paths.lockFile, createLinesReporter({ stream: safeStream(env.terminal.stdout), colour: env.terminal.colour() }), 500);
  }
}
