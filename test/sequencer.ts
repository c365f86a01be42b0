// The order vitest starts the test files in. Two cores run the suite, so the long files must start first: a long
// file that starts last is a tail with one core idle. vitest orders by the durations of the last run on this
// machine, but a fresh clone has none and starts files in the order it found them. So the heavy files are named
// here with their seconds (a stale entry only costs time, never a result). The files that hold the block-device
// lock (test/helpers/block-devices.ts) are placed one after another in time, so that one rarely waits for another.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { holdsBlockDevices } from './helpers/block-devices.js';

/**
 * Wall seconds of a whole `npm test` on the quiet build machine (CIAB_FILE_COST, session 11), in the order the
 * files start (about heaviest first).
 */
export const HEAVY: ReadonlyArray<readonly [file: string, seconds: number]> = [
  ['test/ui/screen.tmux.test.ts', 111],
  ['test/ansible/network.netns.test.ts', 115],
  ['test/ansible/storage.loop.test.ts', 112],
  ['test/run/install.test.ts', 99],
  ['test/run/kill.test.ts', 72],
  ['test/ansible/prepare-host.check.test.ts', 86],
  ['test/ansible/kolla-venv.test.ts', 55],
  ['test/render/certs-renewal.test.ts', 68],
  ['test/ansible/stand-in.test.ts', 36],
  ['test/render/kolla-integration.test.ts', 29],
  ['test/ansible/services.netns.test.ts', 29],
  ['test/render/secrets.test.ts', 21],
  ['test/ansible/ca-certificates.test.ts', 24],
  ['test/render/deploy-audit.test.ts', 22],
  ['test/env/rsa-keys.test.ts', 25],
  ['test/ui/install.cli.test.ts', 23],
  ['test/ansible/callback.test.ts', 21],
  ['test/kolla/harness.test.ts', 20],
  ['test/run/reattach.test.ts', 18],
  ['test/render/passwords.kolla.test.ts', 18],
  ['test/ansible/lvm-filter.loop.test.ts', 18],
  ['test/run/redact-secrets.test.ts', 13],
  ['test/render/host.loop.test.ts', 11],
  ['test/render/passwords.test.ts', 1],
];
const UNLISTED_SECONDS = 1;

/**
 * Heavy files first (in HEAVY's order), then the rest in vitest's order. The lock holders go where the one before
 * them is expected to have finished, with `workers` files running at a time, so that none waits for another.
 */
export function arrange<T>(files: readonly T[], name: (file: T) => string, workers: number): T[] {
  const known = new Map(HEAVY.map(([file, seconds], i) => [file, { i, seconds }]));
  const rank = (file: T) => known.get(name(file))?.i ?? HEAVY.length;
  const seconds = (file: T) => known.get(name(file))?.seconds ?? UNLISTED_SECONDS;
  const ordered = files.map((file, i) => ({ file, i })).sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i).map((x) => x.file);
  const holders = ordered.filter((f) => holdsBlockDevices(name(f)));
  const rest = ordered.filter((f) => !holdsBlockDevices(name(f)));
  const result: T[] = [];
  let started = 0; // seconds of work handed out so far; the next file starts at about started / workers
  let free = 0; // when the last lock holder is expected to end
  for (const file of rest) {
    if (holders.length > 0 && started / workers >= free) {
      const holder = holders.shift()!;
      result.push(holder);
      free = started / workers + seconds(holder);
      started += seconds(holder);
    }
    result.push(file);
    started += seconds(file);
  }
  return [...result, ...holders];
}

export default class Sequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const workers = this.ctx.config.maxWorkers;
    return arrange(await super.sort(files), (spec) => path.relative(root, spec.moduleId).split(path.sep).join('/'), workers);
  }
}
