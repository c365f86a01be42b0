// The command line: argument parsing, wiring and the one error handler. Heavy modules (ink, the wizard) are imported
// lazily inside the actions that need them, so `ciab --help` stays fast.
import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { BlockedError, EXIT, ExternalError, UserError } from './model/errors.js';
import { VERSION } from './version.js';

export function buildProgram() {
  const program = new Command('ciab')
    .description('Cloud-in-a-Box: turn this machine into a small, real OpenStack cloud (kolla-ansible, OSISM).')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: () => {} });

  program
    .command('detect')
    .description('Show what this machine is and what suits a cloud (changes nothing).')
    .option('--json', 'print the HostFacts document as JSON on stdout, nothing else')
    .option('--no-uplink-check', 'do not probe the container registry (offline machines)')
    .option('--loop-devices', 'offer attached loop devices as storage disks (for testing)')
    .option('--record <file>', 'also save every raw reading to FILE (attach it to a bug report)')
    .addHelpText(
      'after',
      '\nExit codes: 0 facts detected, 1 an unexpected failure, 2 bad input.\n',
    )
    .action(async (options) => {
      const { runDetect } = await import('./commands/detect.js');
      await runDetect(options);
    });

  return program;
}

/** Map any error to one message on stderr and an exit code. Stack traces only for bugs. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    // Commander's own message already says what was wrong ("error: unknown option '--x'").
    stderr.write(`ciab: ${error.message.replace(/^error: /, '')}\n`);
    stderr.write(`Run 'ciab --help' (or 'ciab <command> --help') for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof UserError) {
    stderr.write(`ciab: ${error.message}\n`);
    if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
    return EXIT.usage;
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

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportError(error);
  }
}
