// The CLI run in-process over an injected Env: bad input ends with exit code 2 and one line naming the flag or the
// file:line:key, nothing written, no stack trace; and the fixture host is what it reads.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestEnv, runCiabInProcess } from '../helpers/in-process.js';

function expectUsageError(result: { code: number; stderr: string }, first: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stderr.split('\n')[0]).toMatch(first);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.stderr).not.toMatch(/internal error/);
}

describe('ciab in-process', () => {
  it('names an unknown flag with the usage of the command typed', async () => {
    const result = await runCiabInProcess(['plan', '--bogus']);
    expectUsageError(result, /^ciab: unknown option '--bogus'$/);
    expect(result.stderr).toMatch(/usage: ciab plan \[options\]/);
    expect(result.stdout).toBe('');
  });

  it('names file, line, column and key of a broken answers file, and writes nothing', async () => {
    const env = createTestEnv({ host: 'server' });
    writeFileSync(path.join(env.cwd, 'answers.yaml'), 'network:\n  access: wifi\n');
    const result = await runCiabInProcess(['render', '--answers', 'answers.yaml', '--out', 'out', '--state-dir', 'state', '--no-uplink-check'], env);
    expectUsageError(result, /^ciab: answers\.yaml:2:11: network\.access: must be one of "local", "lan"/);
    expect(existsSync(path.join(env.cwd, 'out'))).toBe(false);
    expect(readdirSync(env.cwd)).toEqual(['answers.yaml']);
  });

  it('names a missing answers file relative to the working folder', async () => {
    const result = await runCiabInProcess(['plan', '--answers', 'nope.yaml', '--state-dir', 'state']);
    expectUsageError(result, /^ciab: nope\.yaml: cannot read the answers file \(no such file\)$/);
  });

  it('reads the injected host, not this machine', async () => {
    const result = await runCiabInProcess(['detect', '--json', '--no-uplink-check'], { host: 'server' });
    expect(result.code).toBe(0);
    const facts = JSON.parse(result.stdout) as { system: { hostname?: string }; cpu: { threads: number } };
    expect(result.stdout).toContain('"hostname"');
    expect(facts.cpu.threads).toBeGreaterThan(0);
    const laptop = await runCiabInProcess(['detect', '--json', '--no-uplink-check'], { host: 'laptop' });
    expect(laptop.stdout).not.toBe(result.stdout);
  });

  it('takes CIAB_STATE_DIR from the injected variables', async () => {
    const env = createTestEnv({ host: 'server', vars: { CIAB_STATE_DIR: 'saved' } });
    mkdirSync(path.join(env.cwd, 'saved'));
    writeFileSync(path.join(env.cwd, 'saved', 'answers.yaml'), 'profil: x\n');
    const result = await runCiabInProcess(['plan', '--no-uplink-check'], env);
    expectUsageError(result, /saved\/answers\.yaml:1:1: profil: unknown key/);
  });
});

describe('render --json', () => {
  it('prints nothing on stdout when the write fails (the success document only after the write)', async () => {
    const env = createTestEnv({ host: 'laptop' });
    mkdirSync(path.join(env.cwd, 'out'));
    writeFileSync(path.join(env.cwd, 'out', 'kolla'), 'a file where a folder must go\n');
    const args = ['render', '--json', '--profile', 'workshop', '--skip-check', 'ports', '--skip-check', 'services', '--state-dir', 'state', '--no-uplink-check', '--out', 'out'];
    const failed = await runCiabInProcess(args, env);
    expectUsageError(failed, /^ciab: --out .*\/out: .*\/out\/kolla is a file, where a folder must be; nothing was written$/);
    expect(failed.stdout).toBe('');
    expect(readdirSync(path.join(env.cwd, 'out'))).toEqual(['kolla']);
  }, 60_000);
});
