// Secrets printed by ansible are masked on screen and in the logs: the typed admin password (templated by the
// stand-in from passwords.yml, as a kolla task would) through the CLI, and a secret the engine only knows from
// the render in memory (runInstallPhases' secrets) in-process, with a control run that shows it would leak.
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runInstallPhases } from '../../src/app/install-run.js';
import { openSession, requireComplete } from '../../src/app/session.js';
import { createEnv } from '../../src/env/index.js';
import type { InstallerEvent } from '../../src/model/events.js';
import { runPaths } from '../../src/run/paths.js';
import { BASE_ARGS, cloneRig, filesUnder, install, makeRig, type Rig } from './helpers.js';
import { readFileSync } from 'node:fs';

const ROOT = path.join(import.meta.dirname, '..', '..');
const TYPED = 'Typed-Admin-Pw-4711';
let base: Rig;
beforeAll(async () => {
  const workshop = readFileSync(path.join(ROOT, 'test', 'fixtures', 'answers', 'workshop.yaml'), 'utf8').replace(/^images:\n(?: .*\n)+/m, '');
  base = await makeRig(`${workshop.replace(/^admin_password:.*\n/m, '')}admin_password: ${TYPED}\n`);
}, 180_000);

const texts = (rig: Rig, ...more: string[]) => [...more, ...filesUnder(path.join(rig.stateDir, 'runs')).map((f) => f.text)];

describe('secrets printed by ansible', () => {
  test('the typed admin password in a failing task message is masked on screen and in every log', async () => {
    const rig = cloneRig(base);
    const failed = await install(rig, ['--until', 'kolla-prechecks'], { STANDIN_FAIL_TASK: '2', STANDIN_FAIL_MSG: 'login refused for admin/{{ keystone_admin_password }}' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('login refused for admin/********');
    for (const text of texts(rig, failed.stdout, failed.stderr)) expect(text).not.toContain(TYPED);
  }, 240_000);

  test('a secret known only from the render in memory is masked too; without it, it would show', async () => {
    const SECRET = `Only-In-Memory-${process.pid}-Secret`;
    const run = async (secrets: string[]) => {
      const rig = cloneRig(base);
      const vars = { ...process.env, NO_COLOR: '1', ...rig.env, STANDIN_FAIL_TASK: '2', STANDIN_FAIL_MSG: `token ${SECRET} refused` };
      const env = { ...createEnv(), vars };
      const skip = BASE_ARGS.filter((_, i) => BASE_ARGS[i - 1] === '--skip-check');
      const session = await openSession(env, { answersFile: rig.answers, stateDir: rig.stateDir, skip, detect: { uplink: false } });
      requireComplete(session);
      const events: InstallerEvent[] = [];
      const result = await runInstallPhases({
        plan: session.plan,
        answers: session.answers,
        facts: session.facts,
        paths: runPaths(rig.stateDir),
        projectRoot: ROOT,
        from: 'kolla-prechecks',
        until: 'kolla-prechecks',
        stopServices: [],
        skipChecks: skip,
        secrets,
        sink: { emit: (event) => events.push(event) },
        resumeCommand: 'ciab install',
        vars,
        cwd: rig.dir,
        onSignal: () => () => {},
        now: () => new Date(),
      });
      expect(result.kind === 'ran' && result.outcome.status).toBe('failed');
      return texts(rig, JSON.stringify(events)).join('\n');
    };
    const masked = await run([SECRET]);
    expect(masked).toContain('token ******** refused');
    expect(masked).not.toContain(SECRET);
    // The control: the same run without the in-memory list prints it, so the mask above is the list's doing.
    expect(await run([])).toContain(SECRET);
  }, 300_000);
});
