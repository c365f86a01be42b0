// Which reporter a command uses, from the environment (listr2's renderer selection has the same shape):
// NDJSON on stdout with --json, the live view on a terminal, lines on stderr otherwise. CI counts as no
// terminal: ink would draw only its last frame there. ink is loaded only when chosen (it costs about a second
// to import, which a line or NDJSON run should not pay).
import { createLinesReporter } from './lines.js';
import { createNdjsonReporter } from './ndjson.js';
import { safeStream, type Reporter, type TextStream } from './types.js';

export interface ChooseReporterOptions {
  json: boolean;
  /** stderr (where the live view and lines go) is a terminal */
  tty: boolean;
  /** the CI variable is set */
  ci: boolean;
  colour: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  timeZone?: string;
}

export type ReporterKind = 'ndjson' | 'ink' | 'lines';

export function chooseReporterKind(options: Pick<ChooseReporterOptions, 'json' | 'tty' | 'ci'>): ReporterKind {
  if (options.json) return 'ndjson';
  return options.tty && !options.ci ? 'ink' : 'lines';
}

export async function chooseReporter(options: ChooseReporterOptions): Promise<Reporter> {
  switch (chooseReporterKind(options)) {
    case 'ndjson':
      return createNdjsonReporter(safeStream(options.stdout));
    case 'ink': {
      const { createInkReporter } = await import('./live.js');
      return createInkReporter({ stdout: options.stderr, stderr: options.stderr, colour: options.colour, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
    }
    case 'lines':
      return createLinesReporter({ stream: safeStream(options.stderr), colour: options.colour, ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }) });
  }
}

/** Line output on stderr, or NDJSON on stdout with --json: for commands that never draw a screen (status, destroy). */
export function plainReporter(options: { json: boolean; colour: boolean; stdout: TextStream; stderr: TextStream }): Reporter {
  return options.json
    ? createNdjsonReporter(safeStream(options.stdout))
    : createLinesReporter({ stream: safeStream(options.stderr), colour: options.colour });
}
