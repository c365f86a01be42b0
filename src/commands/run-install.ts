// The run part of `ciab install`: after the configuration is written, run the phases with line output on stderr
// (or NDJSON on stdout with --json), and map the outcome to the exit code.
import type { Env } from '../env/types.js';
import { RunEndedError } from '../model/errors.js';
import type { Answers } from '../model/answers.js';
import type { HostFacts } from '../model/facts.js';
import type { DeploymentPlan } from '../model/plan.js';
import { runInstallPhases } from '../app/install-run.js';
import { runPaths } from '../run/paths.js';
import { plainReporter } from '../ui/reporters/index.js';
import type { SignalName } from '../run/engine.js';

export interface RunFlags {
  stateDir?: string;
  out?: string;
  from?: string;
  until?: string;
  stopService?: string[];
  json?: boolean;
  answers?: string;
  skipCheck?: string[];
}

/** The command that continues this install, as the person typed it (minus --from: resume finds its place). */
export function resumeCommand(flags: RunFlags): string {
  const parts = ['ciab install'];
  if (flags.answers) parts.push('--answers', flags.answers);
  if (flags.stateDir && flags.stateDir !== '/etc/ciab') parts.push('--state-dir', flags.stateDir);
  if (flags.out) parts.push('--out', flags.out);
  for (const id of flags.skipCheck ?? []) parts.push('--skip-check', id);
  for (const s of flags.stopService ?? []) parts.push('--stop-service', s);
  if (flags.until) parts.push('--until', flags.until);
  return parts.join(' ');
}

export async function runPhasesCommand(env: Env, input: { plan: DeploymentPlan; answers: Answers; facts: HostFacts; skip: string[]; configDir: string }, flags: RunFlags): Promise<void> {
  // Lines or NDJSON for now; the live screen (issue 10) takes over on a terminal.
  const sink = plainReporter({ json: Boolean(flags.json), colour: env.terminal.colour(), stdout: env.terminal.stdout, stderr: env.terminal.stderr });
  // Until the engine subscribes, a Ctrl-C before the first phase must still not kill a half-taken lock.
  const result = await runInstallPhases({
    plan: input.plan,
    answers: input.answers,
    facts: input.facts,
    paths: runPaths(flags.stateDir, input.configDir),
    projectRoot: env.projectRoot,
    from: flags.from,
    until: flags.until,
    stopServices: flags.stopService ?? [],
    skipChecks: input.skip,
    sink,
    resumeCommand: resumeCommand(flags),
    vars: env.vars,
    cwd: env.cwd,
    onSignal: (signal: SignalName, handler: () => void) => env.signals.on(signal, handler),
    now: () => new Date(),
  });
  const status = result.kind === 'ran' ? result.outcome.status : result.status;
  if (status === 'succeeded') return;
  if (status === 'failed' || status === null) throw new RunEndedError('the install failed', 1);
  throw new RunEndedError(`the install ${status}`, 130);
}
