// `ciab detect`: read the machine, print a summary (or JSON), optionally save the raw readings.
import { writeFile } from 'node:fs/promises';
import { detectHost } from '../detect/index.js';
import { createHostReader } from '../env/host.js';
import { recordHost } from '../env/recording.js';
import { UserError } from '../model/errors.js';

export interface DetectCommandOptions {
  json?: boolean;
  uplinkCheck?: boolean;
  loopDevices?: boolean;
  record?: string;
}

export async function runDetect(options: DetectCommandOptions): Promise<void> {
  const real = createHostReader();
  const recorder = options.record ? recordHost(real) : null;
  const facts = await detectHost(recorder?.reader ?? real, {
    uplink: options.uplinkCheck !== false,
    loopDevices: Boolean(options.loopDevices),
  });
  if (recorder && options.record) {
    try {
      await writeFile(options.record, `${JSON.stringify(recorder.recording, null, 2)}\n`);
    } catch (error) {
      throw new UserError(`--record ${options.record}: cannot write (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
    return;
  }
  const { formatFactsSummary } = await import('../ui/facts-summary.js');
  process.stdout.write(formatFactsSummary(facts));
}
