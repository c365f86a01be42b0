// The command line: argument parsing, wiring and the one error handler. Heavy modules (ink, the wizard) are imported
// lazily inside the actions that need them, so `ciab --help` stays fast.
import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { BlockedError, EXIT, ExternalError, InterruptedError, LockHeldError, RunEndedError, UserError } from './model/errors.js';
import type { Env } from './env/types.js';
import { VERSION } from './version.js';

export function buildProgram(env: Env) {
  const program = new Command('ciab')
    .description('Cloud-in-a-Box: turn this machine into a small, real OpenStack cloud (kolla-ansible, OSISM).')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => env.terminal.stdout.write(text),
      writeErr: (text) => env.terminal.stderr.write(text),
      outputError: () => {},
      getOutHelpWidth: () => env.terminal.columns(),
      getErrHelpWidth: () => env.terminal.columns(),
      getOutHasColors: () => env.terminal.colour('stdout'),
      getErrHasColors: () => env.terminal.colour('stderr'),
    })
    .addHelpText(
      'after',
      '\nWithout a command, ciab opens the installer on a terminal (`ciab install`); without a terminal it shows what it found\non this machine and the plan it would carry out (`ciab plan`).\n',
    )
    .allowExcessArguments(true)
    .action(async (_options, command) => {
      const [unknown] = command.args;
      if (unknown !== undefined) {
        const names = command.commands.map((c) => c.name());
        const near = names.find((n) => editDistance(n, unknown) <= 2);
        throw new UserError(`unknown command '${unknown}'${near ? ` (Did you mean ${near}?)` : ''}`, `commands: ${names.join(', ')}; see ciab --help`);
      }
      if (env.terminal.interactive) {
        const { runInstall } = await import('./commands/install.js');
        await runInstall(env, { stateDir: env.vars.CIAB_STATE_DIR });
        return;
      }
      const { runPlan } = await import('./commands/plan.js');
      await runPlan(env, { showFacts: true });
    });

  program
    .command('detect')
    .description('Show what this machine is and what suits a cloud (changes nothing).')
    .option('--json', 'print the HostFacts document as JSON on stdout, nothing else')
    .option('--no-uplink-check', 'do not probe the container registry (offline machines)')
    .option('--loop-devices', 'offer attached loop devices as storage disks (for testing)')
    .option('--record <file>', 'also save every raw reading to FILE (attach it to a bug report)')
    .option('--replay <file>', 'read a --record FILE instead of this machine (plan it anywhere: --facts takes it too)')
    .addHelpText(
      'after',
      '\nExit codes: 0 facts detected, 1 an unexpected failure, 2 bad input.\n',
    )
    .action(async (options) => {
      const { runDetect } = await import('./commands/detect.js');
      await runDetect(env, options);
    });

  const planOptions = (command: Command<[], {}>) =>
    command
      .option('--answers <file>', 'answers file (YAML); unattended: every gap is an error naming its key')
      .option('--profile <id>', 'use this profile instead of the recommended one')
      .option('--facts <file>', 'plan for a recorded machine (`ciab detect --json` facts or a `--record` file) instead of this one')
      .option('--profiles <dir>', 'read profiles from DIR instead of the built-in ones')
      .option('--state-dir <dir>', 'where saved answers live (env CIAB_STATE_DIR)', env.vars.CIAB_STATE_DIR ?? '/etc/ciab')
      .option('--skip-check <id>', 'accept a blocking check by id (repeatable)', collect, [] as string[])
      .option('--json', 'print JSON on stdout, nothing else')
      .option('--no-uplink-check', 'do not probe the container registry')
      .option('--loop-devices', 'offer attached loop devices as storage disks (for testing)');

  planOptions(
    program
      .command('plan')
      .description('Rank the profiles for this machine and show the install plan: what would change (changes nothing).'),
  )
    .addHelpText('after', '\nExit codes: 0 a plan with nothing blocking, 2 bad input, 3 blocked (nothing fits or a check blocks).\n')
    .action(async (options) => {
      const { runPlan } = await import('./commands/plan.js');
      await runPlan(env, options);
    });

  planOptions(program.command('preflight').description('Run the checks for a profile and say what blocks it and what to do (changes nothing).'))
    .option('--verbose', 'also list the checks that passed')
    .addHelpText('after', '\nExit codes: 0 nothing blocks, 2 bad input, 3 a check blocks.\n')
    .action(async (options) => {
      const { runPreflight } = await import('./commands/plan.js');
      await runPreflight(env, options);
    });

  planOptions(program.command('render').description('Write the configuration for the plan into a folder: kolla-ansible, host network, clouds.yaml, OSISM repository.'))
    .requiredOption('--out <dir>', 'the folder to write into (created if missing)')
    .option('--diff', 'show what changes in files that already exist (secrets are never shown)')
    .option('--dry-run', 'show what would be written, write nothing')
    .addHelpText('after', '\nExit codes: 0 written, 2 bad input or an unwritable folder (nothing written), 3 a check blocks.\n')
    .action(async (options) => {
      const { runRender } = await import('./commands/render.js');
      await runRender(env, options);
    });

  planOptions(
    program
      .command('install')
      .description('Install: on a terminal a wizard (hardware, profile, questions, review, confirm); with --answers or without a terminal, unattended.'),
  )
    .option('--out <dir>', 'where the configuration is written (default: STATE-DIR/config)')
    .option('--from <phase>', 'start at this phase (earlier ones are not run)')
    .option('--until <phase>', 'stop after this phase')
    .option('--stop-service <name>', 'agree that prepare-host stops this clashing host service (repeatable)', collect, [] as string[])
    .option('--configure-only', 'write the configuration and stop (also implied by --facts)')
    .addHelpText(
      'after',
      '\nUnattended, install writes the configuration, then runs the phases: prepare-host, kolla-certificates (TLS),\n' +
        'kolla-prechecks, kolla-pull, kolla-deploy (reconfigure when the configuration changed), kolla-post-deploy,\n' +
        'bootstrap-cloud (first resources) and verify (a test instance; the SCS summary).\n' +
        'Running it again resumes at the first unfinished phase; Ctrl-C stops after the current task, twice aborts.\n' +
        'State: /var/lib/ciab/state.json; logs: /var/log/ciab/runs/latest/ (both under --state-dir when given).\n' +
        'Exit codes: 0 installed (or written, with --configure-only), 1 a phase failed, 2 bad input or a question without\n' +
        'an answer, 3 a check blocks or a confirmation is missing, 4 another run holds the lock, 130 stopped or cancelled.\n',
    )
    .action(async (options) => {
      const { runInstall } = await import('./commands/install.js');
      await runInstall(env, options);
    });

  program
    .command('status')
    .description('Is the cloud installed, what did the last run do, is one running (then follow it), are containers and APIs healthy.')
    .option('--state-dir <dir>', 'the install to look at (env CIAB_STATE_DIR)', env.vars.CIAB_STATE_DIR ?? '/etc/ciab')
    .option('--out <dir>', 'its configuration folder (default: STATE-DIR/config)')
    .option('--json', 'print the status as JSON on stdout, nothing else')
    .option('--no-follow', 'do not follow a running install')
    .addHelpText('after', '\nExit codes: 0 reported, 2 bad input.\n')
    .action(async (options) => {
      const { runStatus } = await import('./commands/status.js');
      await runStatus(env, options);
    });

  program
    .command('destroy')
    .description('Remove the cloud: every OpenStack container and volume, then what the install changed on the host (network, storage, units, venv).')
    .option('--state-dir <dir>', 'the install to remove (env CIAB_STATE_DIR)', env.vars.CIAB_STATE_DIR ?? '/etc/ciab')
    .option('--out <dir>', 'its configuration folder (default: STATE-DIR/config)')
    .option('--yes', 'do not ask (unattended); without a terminal it is required')
    .option('--json', 'print NDJSON events on stdout')
    .addHelpText('after', '\nExit codes: 0 removed, 1 a step failed, 2 bad input or no confirmation, 4 another run holds the lock, 130 stopped.\n')
    .action(async (options) => {
      const { runDestroyCommand } = await import('./commands/destroy.js');
      await runDestroyCommand(env, options);
    });

  program
    .command('answers-template')
    .description('Print a commented answers file with every key (defaults for this machine with --for-this-machine).')
    .option('--for-this-machine', 'fill in the defaults detected here')
    .option('--facts <file>', 'fill in the defaults for recorded facts')
    .action(async (options) => {
      const { runAnswersTemplate } = await import('./commands/answers-template.js');
      await runAnswersTemplate(env, options);
    });

  program
    .command('verify')
    .description('Check the running cloud as a user would (the verify phase again); with --scs, its SCS conformance.')
    .option('--scs', 'also check the SCS standards scs-0100, scs-0102, scs-0103 and scs-0104, rule by rule')
    .option('--json', 'print the report as JSON on stdout, nothing else')
    .option('--no-instance', 'skip the test instance (boot, floating IP, ping, ssh, volume)')
    .option('--config <dir>', 'the rendered configuration (default: STATE-DIR/config)')
    .option('--state-dir <dir>', 'where ciab keeps its configuration (env CIAB_STATE_DIR, default /etc/ciab)')
    .option('--venv <dir>', 'the kolla venv with ansible-playbook and openstacksdk (env CIAB_KOLLA_VENV; default /opt/ciab/kolla-venv, or STATE-DIR/kolla-venv with --state-dir)')
    .option('--cloud <name>', 'the admin cloud in clouds.yaml', 'ciab-admin')
    .addHelpText('after', '\nExit codes: 0 every check and rule passed, 1 one failed (or the cloud could not be read), 2 bad input.\n')
    .action(async (options) => {
      const { runVerify } = await import('./commands/verify.js');
      process.exitCode = await runVerify(env, options);
    });

  // Only plain `ciab` takes a word (to name an unknown command); a stray argument to a command is an error, not
  // silently ignored (`ciab plan a.yaml` without --answers).
  for (const command of program.commands) command.allowExcessArguments(false);
  return program;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Map any error to one message on stderr and an exit code. Stack traces only for bugs. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, usage = 'ciab [options] [command]'): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    // Commander's own message already says what was wrong ("error: unknown option '--x'").
    stderr.write(`ciab: ${error.message.replace(/^error: /, '')}\n`);
    stderr.write(`usage: ${usage} — see --help\n`);
    return EXIT.usage;
  }
  if (error instanceof UserError) {
    stderr.write(`ciab: ${error.message}\n`);
    if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
    return EXIT.usage;
  }
  if (error instanceof RunEndedError) return error.exitCode;
  if (error instanceof LockHeldError) {
    stderr.write(`ciab: ${error.message}\n`);
    return EXIT.locked;
  }
  if (error instanceof InterruptedError) {
    stderr.write(`ciab: ${error.message}\n`);
    return EXIT.interrupted;
  }
  if (error instanceof BlockedError) {
    stderr.write(`ciab: ${error.message}\n`);
    return EXIT.blocked;
  }
  if (error instanceof ExternalError) {
    stderr.write(`ciab: ${error.message}\n  command: ${error.command}\n`);
    if (error.outputTail) stderr.write(`  output (last lines):\n${indent(error.outputTail)}\n`);
    if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
    return EXIT.failure;
  }
  const bug = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`ciab: internal error — this is a bug in Cloud-in-a-Box, please report it with the text below.\n${bug}\n`);
  return EXIT.failure;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

export { InvalidArgumentError, Option };

/** Run ciab for argv (node's form: [node, script, ...args]) over an Env; returns the exit code. */
export async function runCli(argv: string[], env: Env): Promise<number> {
  const program = buildProgram(env);
  try {
    await program.parseAsync(argv);
    // A command whose result is an exit code of its own (verify: 1 when a check fails) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportError(error, env.terminal.stderr, usageFor(program, argv));
  }
}

/** The usage line of the command the user typed (for a flag error), or of ciab itself. */
function usageFor(program: Command, argv: string[]): string {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const command = program.commands.find((c) => c.name() === name);
  return command ? `ciab ${command.name()} ${command.usage()}` : `ciab ${program.usage()}`;
}
