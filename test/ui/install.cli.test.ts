// `ciab install` without a terminal: unattended from an answers file, exit 2 naming the first gap, and ink/react
// never loaded where there is no wizard.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCiab } from '../helpers/cli.js';
import { writeFixtureFacts } from '../helpers/facts.js';
import { tempDir } from './helpers.js';

const TRACE = path.join(import.meta.dirname, 'fixtures', 'trace-imports.mjs');

async function traced(args: string[], env: NodeJS.ProcessEnv = {}) {
  const file = path.join(tempDir(), 'imports.txt');
  writeFileSync(file, '');
  const result = await runCiab(args, { env: { NODE_OPTIONS: `--import ${TRACE}`, TRACE_IMPORTS: file, ...env } });
  const modules = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { ...result, modules, ink: modules.filter((m) => /node_modules\/(ink|react|react-reconciler|@inkjs\/ui)\//.test(m) || m.includes('/ui/wizard/run-wizard')) };
}

describe('ink is loaded only for the wizard', () => {
  test('ciab --help', async () => {
    const result = await traced(['--help']);
    expect(result.code).toBe(0);
    expect(result.modules.length).toBeGreaterThan(3); // the hook did record
    expect(result.ink).toEqual([]);
  });

  test('ciab without a terminal shows facts and plan, without ink', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('laptop', dir);
    // plain `ciab` reads this machine; the plan path is the same with --facts via `ciab plan`
    const plain = await traced([]);
    expect(plain.stdout).toContain('This machine');
    expect(plain.ink).toEqual([]);
    const plan = await traced(['plan', '--facts', facts, '--state-dir', dir]);
    expect(plan.ink).toEqual([]);
  });

  test('ciab install without a terminal, and with CI set', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('server', dir);
    for (const env of [{}, { CI: 'true' }]) {
      const result = await traced(['install', '--facts', facts, '--state-dir', dir, '--out', path.join(dir, 'out')], env);
      expect(result.ink).toEqual([]);
    }
  });
});

describe('ciab install, unattended', () => {
  test('without a terminal and without --answers: exit 2 naming the first missing answers-file key, nothing written', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('server', dir);
    const result = await runCiab(['install', '--facts', facts, '--state-dir', dir, '--out', path.join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('network.vip: no answer and no default for this machine');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('--answers FILE: resolve, render, write, say where', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('server', dir);
    const answers = path.join(dir, 'answers.yaml');
    writeFileSync(answers, 'profile: sandbox\nnetwork:\n  vip: 198.51.100.250\n');
    const out = path.join(dir, 'out');
    const result = await runCiab(['install', '--answers', answers, '--facts', facts, '--state-dir', path.join(dir, 'state'), '--out', out]);
    expect(result.stderr).toContain('Generating the secrets');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote the Sandbox configuration in ${out}`);
    expect(result.stdout).toContain(`Answers saved in ${path.join(dir, 'state', 'answers.yaml')}`);
    expect(readFileSync(path.join(out, 'kolla', 'globals.yml'), 'utf8')).toContain('kolla_internal_vip_address: 198.51.100.250');
  }, 120_000);

  test('blocks refuse unless skipped (exit 3)', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('laptop', dir);
    const answers = path.join(dir, 'answers.yaml');
    writeFileSync(answers, 'profile: workshop\n');
    const result = await runCiab(['install', '--answers', answers, '--facts', facts, '--state-dir', dir, '--out', path.join(dir, 'out')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not installing: .*--skip-check ports/);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('bad flags keep the one-line error and exit 2', async () => {
    const result = await runCiab(['install', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ciab: unknown option '--no-such-flag'");
  });
});
