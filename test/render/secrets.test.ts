// No secret reaches stdout, stderr or a non-secret file: render for real through the CLI in every mode
// (first render, re-render, --diff, --dry-run, --json, errors), then scan everything printed for every secret.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCiab, type CliResult } from '../helpers/cli.js';
import { writeFixtureFacts } from '../helpers/facts.js';

const ADMIN = 'Given-Admin-Pass-4711';
let dir: string;
let out: string;
const printed: Array<{ what: string; result: CliResult }> = [];

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string' && value.length >= 8) {
    into.add(value);
    // PEM keys: each base64 line on its own is secret too
    for (const line of value.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) into.add(line);
  } else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, into);
}

function walk(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(root, e.name)) : [path.join(root, e.name)]));
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ciab-secrets-'));
  out = path.join(dir, 'out');
  const facts = await writeFixtureFacts('server', dir);
  const answers = path.join(dir, 'answers.yaml');
  const base = `profile: edge\nnetwork:\n  vip: 198.51.100.250\nadmin_password: ${ADMIN}\n`;
  writeFileSync(answers, base);
  const common = ['--facts', facts, '--answers', answers, '--state-dir', dir];
  const run = async (what: string, args: string[]) => printed.push({ what, result: await runCiab(args) });
  /** A new folder holding only the first render's kolla/passwords.yml. */
  const withFirstPasswords = (folder: string): string => {
    mkdirSync(path.join(folder, 'kolla'), { recursive: true });
    copyFileSync(path.join(out, 'kolla', 'passwords.yml'), path.join(folder, 'kolla', 'passwords.yml'));
    return folder;
  };
  await run('first render', ['render', ...common, '--out', out]);
  await run('re-render', ['render', ...common, '--out', out]);
  writeFileSync(answers, `${base}timezone: Europe/Berlin\n`);
  await run('render --diff', ['render', ...common, '--out', out, '--diff']);
  // A folder with only the first render's passwords.yml: the dry run's secrets are then values the scan knows
  // (fresh ones would be made, shown nowhere and never written, so the scan could not look for them).
  const other = withFirstPasswords(path.join(dir, 'other'));
  await run('render --dry-run --diff', ['render', ...common, '--out', other, '--dry-run', '--diff']);
  await run('render --json', ['render', ...common, '--out', out, '--json']);
  await run('plan', ['plan', ...common]);
  await run('plan --json', ['plan', ...common, '--json']);
  await run('preflight --json', ['preflight', ...common, '--json', '--verbose']);
  await run('answers-template --for-this-machine', ['answers-template', '--facts', facts]);
  // errors: a wrong admin password type, an unwritable target, a damaged passwords.yml
  writeFileSync(path.join(dir, 'bad.yaml'), 'admin_password: 123456789012\n');
  await run('bad answers', ['plan', '--facts', facts, '--answers', path.join(dir, 'bad.yaml'), '--state-dir', dir]);
  await run('unwritable --out', ['render', ...common, '--out', '/proc/ciab-nope']);
  // The first render's passwords.yml, which this render keeps: one set of seven RSA keys fewer to make.
  const damaged = withFirstPasswords(path.join(dir, 'damaged'));
  await run('render to damage', ['render', ...common, '--out', damaged]);
  const pw = path.join(damaged, 'kolla', 'passwords.yml');
  writeFileSync(pw, readFileSync(pw, 'utf8').replace(/^database_password: (.*)$/m, 'database_password: [$1'));
  await run('damaged passwords.yml', ['render', ...common, '--out', damaged]);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets', () => {
  it('every command ran as expected (so the scan below sees real output)', () => {
    const codes = Object.fromEntries(printed.map((p) => [p.what, p.result.code]));
    expect(codes).toEqual({
      'first render': 0,
      're-render': 0,
      'render --diff': 0,
      'render --dry-run --diff': 0,
      'render --json': 0,
      plan: 0,
      'plan --json': 0,
      'preflight --json': 0,
      'answers-template --for-this-machine': 0,
      'bad answers': 2,
      'unwritable --out': 2,
      'render to damage': 0,
      'damaged passwords.yml': 2,
    });
    expect(printed.find((p) => p.what === 'render --diff')!.result.stdout).toMatch(/-timezone_name: UTC\n\s+\+timezone_name: Europe\/Berlin/);
    // /proc takes no new folder even from root: refused before any key is made, not after.
    const unwritable = printed.find((p) => p.what === 'unwritable --out')!.result.stderr;
    expect(unwritable).toMatch(/^ciab: --out \/proc\/ciab-nope: cannot write there \(nothing can be created in \/proc\); nothing was written$/m);
    expect(unwritable).not.toContain('Generating the secrets');
    expect(printed.find((p) => p.what === 'damaged passwords.yml')!.result.stderr).toMatch(/^ciab: \S+\/damaged\/kolla\/passwords\.yml:\d+:\d+: /);
  });

  it('no secret appears in anything printed', () => {
    const secrets = new Set<string>([ADMIN]);
    collectStrings(parse(readFileSync(path.join(out, 'kolla', 'passwords.yml'), 'utf8')), secrets);
    collectStrings(parse(readFileSync(path.join(out, 'osism', 'environments', 'secrets.yml'), 'utf8')), secrets);
    secrets.add(readFileSync(path.join(out, 'osism', 'environments', '.vault_pass'), 'utf8').trim());
    expect(secrets.size).toBeGreaterThan(100);
    for (const { what, result } of printed) {
      for (const secret of secrets) {
        if (result.stdout.includes(secret) || result.stderr.includes(secret)) expect.fail(`a secret appeared in the output of "${what}"`);
      }
    }
  });

  it('secret files are 0600, and no secret is in any other file', () => {
    const secrets = new Set<string>([ADMIN]);
    collectStrings(parse(readFileSync(path.join(out, 'kolla', 'passwords.yml'), 'utf8')), secrets);
    const files = walk(out);
    const secretFiles = ['kolla/passwords.yml', 'openstack/clouds.yaml', 'openstack/admin-openrc.sh', 'osism/environments/secrets.yml', 'osism/environments/kolla/secrets.yml', 'osism/environments/manager/secrets.yml', 'osism/environments/.vault_pass'];
    for (const file of files) {
      const rel = path.relative(out, file);
      const mode = statSync(file).mode & 0o777;
      if (secretFiles.includes(rel)) {
        expect(mode, rel).toBe(0o600);
        continue;
      }
      expect(mode & 0o077, rel).not.toBe(0o077); // sanity: nothing world-writable
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) if (text.includes(secret)) expect.fail(`a secret is in the non-secret file ${rel}`);
    }
    expect(readFileSync(path.join(out, 'openstack', 'clouds.yaml'), 'utf8')).toContain(ADMIN);
  });

  it('the unwritable target left nothing behind, the damaged file was not replaced', () => {
    expect(() => statSync('/proc/ciab-nope')).toThrow();
    expect(readFileSync(path.join(dir, 'damaged', 'kolla', 'passwords.yml'), 'utf8')).toMatch(/database_password: \[/);
  });
});
