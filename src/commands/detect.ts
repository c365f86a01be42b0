// `ciab detect`: read the machine, print a summary (or JSON), optionally save the raw readings.
import path from 'node:path';
import { replayRecordingFile } from '../app/host-file.js';
import { loadKvmProbe } from '../app/inputs.js';
import { detectHost } from '../detect/index.js';
import { recordHost } from '../env/recording.js';
import type { Env } from '../env/types.js';
import { UserError } from '../model/errors.js';

export interface DetectCommandOptions {
  json?: boolean;
  uplinkCheck?: boolean;
  loopDevices?: boolean;
  record?: string;
  /** A `--record` file to turn back into facts instead of reading this machine. */
  replay?: string;
}

export async function runDetect(env: Env, options: DetectCommandOptions): Promise<void> {
  if (options.replay && options.record) throw new UserError('--replay and --record: choose one (a replay reads no machine to record)');
  const recorder = options.record ? recordHost(env.host) : null;
  if (recorder) recorder.recording.installerPath = env.cwd;
  const facts = options.replay
    ? await replayRecordingFile(env, options.replay)
    : await detectHost(recorder?.reader ?? env.host, {
        uplink: options.uplinkCheck !== false,
        loopDevices: Boolean(options.loopDevices),
        installerPath: env.cwd,
        kvmProbeScript: await loadKvmProbe(env),
      });
  if (recorder && options.record) {
    try {
      await env.files.writeAtomic(path.resolve(env.cwd, options.record), `${JSON.stringify(recorder.recording, null, 2)}\n`);
    } catch (error) {
      throw new UserError(`--record ${options.record}: cannot write (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  if (options.json) {
    env.terminal.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
    return;
  }
  const { formatFactsSummary } = await import('../ui/facts-summary.js');
  const { createStyle } = await import('../ui/style.js');
  env.terminal.stdout.write(formatFactsSummary(facts, createStyle(env.terminal.colour())));
}
