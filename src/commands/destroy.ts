// `ciab destroy [--yes]`: name everything that will go, ask (or take --yes), then remove it.
import { createInterface } from 'node:readline/promises';
import type { Env } from '../env/types.js';
import { destroyList, runDestroy } from '../app/destroy.js';
import { loadPlanOf } from '../app/status.js';
import { InterruptedError, RunEndedError, UserError } from '../model/errors.js';
import { runPaths } from '../run/paths.js';
import type { SignalName } from '../run/engine.js';
import { plainReporter } from '../ui/reporters/index.js';

export async function runDestroyCommand(env: Env, o: { stateDir?: string; out?: string; yes?: boolean; json?: boolean }): Promise<void> {
  const paths = runPaths(o.stateDir, o.out);
  const plan = loadPlanOf(paths.configDir);
  if (!plan) throw new UserError(`${paths.configDir}/ciab/plan.json: no installed configuration here`, 'nothing to destroy; --state-dir names another install');
  const items = destroyList(plan, paths);
  env.terminal.stderr.write(`ciab destroy removes:\n${items.map((i) => `  - ${i}`).join('\n')}\nThe configuration in ${paths.configDir} stays (ciab install brings the cloud back with new data).\n`);
  if (!o.yes) {
    if (!env.terminal.interactive) throw new UserError('not destroying without a confirmation: run it on a terminal, or pass --yes');
    const rl = createInterface({ input: env.terminal.stdin, output: env.terminal.stderr });
    const answer = await rl.question('Type "destroy" to remove all of this: ');
    rl.close();
    if (answer.trim() !== 'destroy') throw new InterruptedError('not destroyed — nothing was changed');
  }
  const onSignal = (signal: SignalName, handler: () => void) => env.signals.on(signal, handler);
  const outcome = await runDestroy({
    plan,
    answers: { admin_password: null, proxy: plan.proxy },
    paths,
    projectRoot: env.projectRoot,
    sink: plainReporter({ json: Boolean(o.json), colour: env.terminal.colour(), stdout: env.terminal.stdout, stderr: env.terminal.stderr }),
    vars: env.vars,
    cwd: env.cwd,
    onSignal,
    now: () => new Date(),
  });
  if (outcome.status === 'succeeded') return;
  throw new RunEndedError(`destroy ${outcome.status}`, outcome.status === 'failed' ? 1 : 130);
}
