// `ciab install` (and plain `ciab` on a terminal): the wizard on a TTY, or unattended from an answers file.
// Both drive the same Installer; up to the point of no return, which in this version is writing the configuration.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInstaller, type Installer, type InstallerOptions } from '../app/installer.js';
import { createWizardModel } from '../app/wizard-model.js';
import { DEFAULT_STATE_DIR, refuseIfBlocked, requireComplete } from '../app/session.js';
import { checkFolderFlag, compareWithDisk, ensureWritableDir, writeFileSet } from '../app/write-files.js';
import { inspectLock } from '../env/lock.js';
import type { Env } from '../env/types.js';
import { InterruptedError, UserError } from '../model/errors.js';
import { describeChanges, filesJson } from '../render/diff.js';
import { runPaths } from '../run/paths.js';
import { createStyle } from '../ui/style.js';
import { nextCommands } from '../ui/wizard/next-commands.js';
import { sessionOptions, type PlanCommandOptions } from './plan.js';

export interface InstallCommandOptions extends PlanCommandOptions {
  out?: string;
  from?: string;
  until?: string;
  stopService?: string[];
  configureOnly?: boolean;
}

export function installerOptions(o: InstallCommandOptions): InstallerOptions {
  const stateDir = o.stateDir ?? DEFAULT_STATE_DIR;
  return { ...sessionOptions(o), stateDir, out: o.out ?? path.join(stateDir, 'config') };
}

export async function runInstall(env: Env, o: InstallCommandOptions): Promise<void> {
  checkFolderFlag(o.out, '--out', env.cwd);
  checkFolderFlag(o.stateDir, '--state-dir', env.cwd);
  const options = installerOptions(o);
  // A run is going (started on another terminal, or left running by an ssh drop): follow it rather than ask the
  // questions again or rewrite the configuration under it. Its saved answers give the plan a resume needs.
  const paths = runPaths(path.resolve(env.cwd, o.stateDir ?? DEFAULT_STATE_DIR), path.resolve(env.cwd, options.out));
  const savedAnswers = path.join(paths.configRoot, 'answers.yaml');
  if (!o.configureOnly && !o.facts && inspectLock(paths.lockFile)?.kind === 'running' && (o.answers !== undefined || (await env.files.exists(savedAnswers)))) {
    await installFromAnswers(env, o, { out: paths.configDir, answersFile: o.answers ?? savedAnswers });
    return;
  }
  if (o.answers !== undefined || o.json || !env.terminal.interactive) {
    await runUnattended(env, await createInstaller(env, options), o);
    return;
  }
  // Only the terminal path loads ink and react; start loading them while the machine is read.
  const wizard = loadWizard(env);
  wizard.catch(() => {});
  const installAfterWrite = !o.configureOnly && !o.facts;
  const { secrets, ...written } = await runInteractive(env, await createInstaller(env, options), wizard, installAfterWrite);
  // After Confirm the wizard goes straight into the install, on the same terminal, from the answers just saved
  // (which is also what the resume command names). Recorded facts describe another machine: never run those.
  if (!installAfterWrite) return;
  await installFromAnswers(env, o, written, secrets);
}

/** Run the phases for a configuration already written, planned from its answers file (no render, no write). */
async function installFromAnswers(
  env: Env,
  o: InstallCommandOptions,
  written: { out: string; answersFile: string },
  secrets?: string[],
): Promise<void> {
  const fromFile = await createInstaller(env, installerOptions({ ...o, answers: written.answersFile }));
  const session = fromFile.evaluate({});
  requireComplete(session);
  refuseIfBlocked(session, 'installing');
  const { runPhasesCommand } = await import('./run-install.js');
  // The secrets the wizard rendered (its typed admin password among them) are masked in the run's logs and screen;
  // a follower of another terminal's run reads events that run already redacted.
  await runPhasesCommand(env, { plan: session.plan, answers: session.answers, facts: session.facts, skip: session.skip, configDir: written.out, secrets }, { ...o, answers: written.answersFile, out: written.out });
}

type WizardModule = typeof import('../ui/wizard/run-wizard.js');

/**
 * The wizard as bundled by scripts/bundle-wizard.mjs at build time (one file instead of ~800 modules: the first
 * screen appears about a second sooner); the plain compiled modules when no bundle was built.
 */
async function loadWizard(env: Env): Promise<WizardModule> {
  const bundle = new URL('../ui/wizard/run-wizard.bundle.js', import.meta.url);
  if (await env.files.exists(fileURLToPath(bundle))) return (await import(bundle.href)) as WizardModule;
  return import('../ui/wizard/run-wizard.js');
}

/** Save the answers file where the person typed (relative to the current folder); returns the absolute path. */
export async function saveAnswersFile(env: Env, file: string, text: string): Promise<string> {
  const target = path.resolve(env.cwd, file);
  const dir = path.dirname(target);
  try {
    await ensureWritableDir(env.files, dir);
    await writeFileSet(env.files, dir, await compareWithDisk(env.files, dir, [{ path: path.basename(target), mode: 0o644, content: text, secret: false }], { manifest: false }));
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^--out [^:]*: /, '') : String(error);
    throw new UserError(`cannot save ${target}: ${why}`);
  }
  return target;
}

async function hasSecrets(env: Env, installer: Installer): Promise<boolean> {
  return env.files.exists(path.join(path.resolve(env.cwd, installer.options.out), 'kolla', 'passwords.yml'));
}

async function runInteractive(env: Env, installer: Installer, wizard: Promise<WizardModule>, installAfterWrite: boolean): Promise<{ out: string; answersFile: string; secrets: string[] }> {
  const { runWizard } = await wizard;
  const { stdin, stdout, stderr } = env.terminal;
  // Remember a write, so that leaving the Done screen with Ctrl-C never claims that nothing was changed.
  const model = createWizardModel(installer, env.cwd);
  let written: { out: string; answersFile: string } | null = null;
  let secrets: string[] = [];
  const outcome = await runWizard({
    installer: {
      ...model,
      write: async (session, rendered) => {
        secrets = rendered.secrets ?? [];
        return (written = await model.write(session, rendered));
      },
    },
    saveAnswers: (file, text) => saveAnswersFile(env, file, text),
    hasSecrets: await hasSecrets(env, installer),
    installAfterWrite,
    colour: env.terminal.colour(),
    streams: { stdin, stdout, stderr },
    // The wizard does not own the signals: a kill or a closing terminal reaches it through env.signals.
    onStopSignal: (stop) => {
      const offs = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((name) => env.signals.on(name, stop));
      return () => offs.forEach((off) => off());
    },
  });
  // Keys still being generated for a render nobody waits for any more: end them, so the process ends now.
  installer.cancel();
  const wrote = written as { out: string; answersFile: string } | null;
  if (outcome.status !== 'cancelled' && outcome.written !== undefined) return { ...outcome.written, secrets };
  if (wrote) throw new InterruptedError(`stopped — the configuration was written to ${wrote.out} and the answers to ${wrote.answersFile}; nothing else on this machine was changed`);
  throw new InterruptedError('cancelled — nothing on this machine was changed');
}

async function runUnattended(env: Env, installer: Installer, o: InstallCommandOptions): Promise<void> {
  const session = installer.evaluate({});
  // No prompts here: the first question without an answer is an error naming its answers-file key.
  requireComplete(session);
  refuseIfBlocked(session, 'installing');
  const out = path.resolve(env.cwd, installer.options.out);
  await ensureWritableDir(env.files, out);
  if (!(await hasSecrets(env, installer))) env.terminal.stderr.write('Generating the secrets for this install (7 RSA-4096 keys take a few seconds)…\n');
  const rendered = await installer.render(session);
  const written = await installer.write(session, rendered);
  // Recorded facts describe another machine: write its configuration, never run it here.
  if (!o.configureOnly && !o.facts) {
    env.terminal.stderr.write(`Configuration written in ${written.out}; running the install.\n`);
    const { runPhasesCommand } = await import('./run-install.js');
    await runPhasesCommand(env, { plan: session.plan, answers: session.answers, facts: session.facts, skip: session.skip, configDir: written.out, secrets: rendered.secrets }, { ...o, skipCheck: o.skipCheck });
    return;
  }
  if (o.json) {
    env.terminal.stdout.write(
      `${JSON.stringify({ out: written.out, answersFile: written.answersFile, files: filesJson(rendered.writes) }, null, 2)}\n`,
    );
    return;
  }
  const style = createStyle(env.terminal.colour());
  const changed = rendered.writes.filter((w) => w.change !== 'unchanged');
  const lines = [
    style.bold(`Wrote the ${session.plan.profile.title} configuration in ${written.out}`),
    ...(changed.length > 0 ? describeChanges(rendered.writes, { diff: false }) : ['  nothing changed: the folder already holds this configuration']),
    `Answers saved in ${written.answersFile}`,
    '',
    style.dim('Next: install it with'),
    ...nextCommands(written.out).map((line) => style.dim(`  ${line}`)),
  ];
  env.terminal.stdout.write(`${lines.join('\n')}\n`);
}
