// The run part of `ciab install`: after the configuration is written, run the phases with the progress screen on
// a terminal, line output on stderr otherwise (or NDJSON on stdout with --json), and map the outcome to the exit
// code. On the screen, a failure's resume key runs the install again in place.
import path from 'node:path';
import { inspectLock } from '../env/lock.js';
import { readTextOrNull } from '../env/run-files.js';
import type { Env } from '../env/types.js';
import { RunEndedError } from '../model/errors.js';
import type { Answers } from '../model/answers.js';
import type { HostFacts } from '../model/facts.js';
import type { DeploymentPlan } from '../model/plan.js';
import { runInstallPhases } from '../app/install-run.js';
import { runPaths } from '../run/paths.js';
import { plainReporter } from '../ui/reporters/index.js';
import type { SignalName } from '../run/engine.js';
import type { EventSink } from '../model/events.js';
import { authUrl } from '../render/clouds.js';

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

type ScreenModule = typeof import('../ui/reporters/live.js');

/** Where the finished cloud's doors and keys are: the result screen's data. */
export function resultInfo(plan: DeploymentPlan, configDir: string, flags: RunFlags): import('../ui/reporters/live.js').ResultInfo {
  const stateFlag = flags.stateDir && flags.stateDir !== '/etc/ciab' ? ` --state-dir ${flags.stateDir}` : '';
  const openrc = path.join(configDir, 'openstack', 'admin-openrc.sh');
  return {
    dashboardUrl: `${plan.network.tls ? 'https' : 'http'}://${plan.network.vip}/`,
    authUrl: authUrl(plan),
    cloudsYaml: path.join(configDir, 'openstack', 'clouds.yaml'),
    openrc,
    passwordsFile: path.join(configDir, 'kolla', 'passwords.yml'),
    firstCommand: `. ${openrc} && openstack service list`,
    statusCommand: `ciab status${stateFlag}`,
    destroyCommand: `sudo ciab destroy${stateFlag}`,
  };
}

/**
 * Ctrl-C on the screen arrives as a key, not a signal (raw mode): the screen's stop and abort are handed to the
 * engine as the SIGINTs it already understands (the first stops after the current task, the second aborts).
 */
function createSignalHub(env: Env): { onSignal(signal: SignalName, handler: () => void): () => void; raise(signal: SignalName): void } {
  const handlers = new Set<{ signal: SignalName; handler: () => void }>();
  return {
    onSignal(signal, handler) {
      const entry = { signal, handler };
      handlers.add(entry);
      const off = env.signals.on(signal, handler);
      return () => {
        handlers.delete(entry);
        off();
      };
    },
    raise(signal) {
      for (const entry of [...handlers]) if (entry.signal === signal) entry.handler();
    },
  };
}

export async function runPhasesCommand(
  env: Env,
  /** secrets: what the render just put into the files (renderFiles().secrets), masked besides passwords.yml's. */
  input: { plan: DeploymentPlan; answers: Answers; facts: HostFacts; skip: string[]; configDir: string; secrets?: string[] },
  flags: RunFlags,
): Promise<void> {
  const useScreen = !flags.json && env.terminal.interactive;
  const hub = createSignalHub(env);
  let stopped = false;
  const resume = resumeCommand(flags);
  let screen: Awaited<ReturnType<ScreenModule['createInkReporter']>> | null = null;
  const paths = runPaths(flags.stateDir, input.configDir);
  // While this screen follows another process's run (reattached), its stop and abort go to that process as the
  // SIGINTs it understands (the first stops after the current task, the second aborts), not to an engine here.
  let following: number | null = null;
  const interrupt = () => (following !== null ? void env.processes.kill(following, 'SIGINT') : hub.raise('SIGINT'));
  if (useScreen) {
    const { createInkReporter } = (await import('../ui/reporters/live.js')) as ScreenModule;
    screen = createInkReporter({
      stdout: env.terminal.stderr as NodeJS.WriteStream,
      stderr: env.terminal.stderr as NodeJS.WriteStream,
      stdin: env.terminal.stdin as NodeJS.ReadStream,
      colour: env.terminal.colour('stderr'),
      controls: {
        stop: () => {
          if (stopped) return;
          stopped = true;
          interrupt();
        },
        abort: () => {
          if (!stopped) interrupt();
          stopped = true;
          interrupt();
        },
        readLog: (file, count) => (readTextOrNull(file) ?? '').replace(/\n$/, '').split('\n').filter((line, i, all) => line !== '' || i < all.length - 1).slice(-count),
      },
      result: resultInfo(input.plan, input.configDir, flags),
      resumeCommand: resume,
      title: `${input.plan.profile.title} · ${input.plan.host.hostname}`,
    });
  }
  const sink: EventSink = screen ?? plainReporter({ json: Boolean(flags.json), colour: env.terminal.colour(), stdout: env.terminal.stdout, stderr: env.terminal.stderr });
  let status: string | null;
  try {
    for (;;) {
      stopped = false;
      const holder = inspectLock(paths.lockFile);
      following = holder?.kind === 'running' && holder.info.pid !== env.processes.pid ? holder.info.pid : null;
      // Until the engine subscribes, a Ctrl-C before the first phase must still not kill a half-taken lock.
      const result = await runInstallPhases({
        plan: input.plan,
        answers: input.answers,
        facts: input.facts,
        paths,
        projectRoot: env.projectRoot,
        from: flags.from,
        until: flags.until,
        stopServices: flags.stopService ?? [],
        skipChecks: input.skip,
        secrets: input.secrets,
        sink,
        resumeCommand: resume,
        vars: env.vars,
        cwd: env.cwd,
        onSignal: (signal: SignalName, handler: () => void) => hub.onSignal(signal, handler),
        now: () => new Date(),
      });
      status = result.kind === 'ran' ? result.outcome.status : result.status;
      // The failure panel waits for the person: its resume key runs the install again on the same screen.
      if (screen === null || status === 'succeeded' || status === null || (await screen.choice()) !== 'resume') break;
      // Resume in place is the same command again: phases done by now are skipped as done.
    }
  } finally {
    await screen?.close();
  }
  if (status === 'succeeded') return;
  if (status === 'failed' || status === null) throw new RunEndedError('the install failed', 1);
  throw new RunEndedError(`the install ${status}`, 130);
}
