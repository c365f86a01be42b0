// `ciab destroy [--yes]`: name everything that will go, ask (or take --yes), then remove it.
import { createInterface } from 'node:readline/promises';
import { PROJECT_ROOT } from '../env/index.js';
import { destroyList, runDestroy } from '../app/destroy.js';
import { loadPlanOf } from '../app/status.js';
import { InterruptedError, RunEndedError, UserError } from '../model/errors.js';
import { runPaths } from '../run/paths.js';
import type { SignalName } from '../run/engine.js';
import { createLineReporter, createNdjsonReporter } from '../ui/run-lines.js';

export async function runDestroyCommand(o: { stateDir?: string; out?: string; yes?: boolean; json?: boolean }): Promise<void> {
  const paths = runPaths(o.stateDir, o.out);
  const plan = loadPlanOf(paths.configDir);
  if (!plan) throw new UserError(`${paths.configDir}/ciab/plan.json: no installed configuration here`, 'nothing to destroy; --state-dir names another install');
  const items = destroyList(plan, paths);
  process.stderr.write(`ciab destroy removes:\n${items.map((i) => `  - ${i}`).join('\n')}\nThe configuration in ${paths.configDir} stays (ciab install brings the cloud back with new data).\n`);
  if (!o.yes) {
    if (!process.stdin.isTTY) throw new UserError('not destroying without a confirmation: run it on a terminal, or pass --yes');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question('Type "destroy" to remove all of this: ');
    rl.close();
    if (answer.trim() !== 'destroy') throw new InterruptedError('not destroyed — nothing was changed');
  }
  const onSignal = (signal: SignalName, handler: () => void) => {
    process.on(signal, handler);
    return () => void process.off(signal, handler);
  };
  const outcome = await runDestroy({
    plan,
    answers: { admin_password: null, proxy: plan.proxy },
    paths,
    projectRoot: PROJECT_ROOT,
    sink: o.json ? createNdjsonReporter(process.stdout) : createLineReporter(process.stderr),
    vars: process.env,
    cwd: process.cwd(),
    onSignal,
    now: () => new Date(),
  });
  if (outcome.status === 'succeeded') return;
  throw new RunEndedError(`destroy ${outcome.status}`, outcome.status === 'failed' ? 1 : 130);
}
