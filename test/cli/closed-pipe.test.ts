// A reader that goes away before ciab has printed everything (`ciab plan | head`): ciab drops the rest and ends
// as it would have, with no EPIPE stack trace. The pipe's reading end is closed before the process writes a byte.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIAB } from '../helpers/cli.js';
import { writeFixtureFacts } from '../helpers/facts.js';

function intoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CIAB, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('stdout closed by its reader', () => {
  it('--help and plan end with their usual exit code and print nothing on stderr', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-pipe-'));
    const facts = await writeFixtureFacts('server', dir);
    expect(await intoClosedPipe(['--help'])).toEqual({ code: 0, stderr: '' });
    expect(await intoClosedPipe(['plan', '--facts', facts, '--state-dir', dir])).toEqual({ code: 0, stderr: '' });
  });
});
