// A missing or unreadable offline bundle must not lift the uplink block: the plan looks at the file (the facts
// cannot) and blocks with a line naming images.offline_bundle. Real files, a real FIFO and a real symlink loop.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreadableFileReason } from '../../src/env/file-checks.js';
import { uplinkFinding } from '../../src/preflight/plan-checks.js';
import { fixtureFacts } from '../helpers/facts.js';
import { runCiabInProcess } from '../helpers/in-process.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), `ciab-bundle-${process.pid}-`));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('unreadableFileReason', () => {
  it('names what is wrong with a path, and never waits on a FIFO', () => {
    const file = path.join(root, 'bundle.tar');
    writeFileSync(file, 'images');
    mkdirSync(path.join(root, 'folder'));
    execFileSync('mkfifo', [path.join(root, 'fifo')]);
    symlinkSync('loop-b', path.join(root, 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'loop-b'));
    expect(unreadableFileReason(file)).toBeNull();
    expect(unreadableFileReason(path.join(root, 'missing.tar'))).toBe('does not exist');
    expect(unreadableFileReason(path.join(file, 'inside'))).toMatch(/does not exist/);
    expect(unreadableFileReason(path.join(root, 'folder'))).toBe('is a folder, not a file');
    expect(unreadableFileReason(path.join(root, 'fifo'))).toBe('is not a regular file');
    expect(unreadableFileReason(path.join(root, 'loop-a'))).toBe('is a symlink loop');
    expect(unreadableFileReason('/dev/zero')).toBe('is not a regular file');
  });
});

describe('the uplink finding with an offline bundle', () => {
  it('lifts the block only for a bundle that was looked at and is readable', async () => {
    const facts = await fixtureFacts('cloud-vm'); // no uplink in its recording
    const bundle = '/srv/ciab/bundle.tar';
    expect(uplinkFinding(facts, { registry: null, offlineBundle: bundle, offlineBundleProblem: null }).severity).toBe('info');
    const missing = uplinkFinding(facts, { registry: null, offlineBundle: bundle, offlineBundleProblem: 'does not exist' });
    expect(missing.severity).toBe('block');
    expect(missing.message).toBe('images.offline_bundle: /srv/ciab/bundle.tar does not exist, so the images cannot come from it');
    // Nobody looked: unknown, and unknown lifts nothing (the uplink's own verdict stands).
    const unchecked = uplinkFinding(facts, { registry: null, offlineBundle: bundle });
    expect(unchecked).toEqual(uplinkFinding(facts, { registry: null, offlineBundle: null }));
    expect(unchecked.severity).toBe('block');
  });
});

describe('ciab plan with an offline bundle on a machine without an uplink', () => {
  const plan = async (bundle: string) => {
    const dir = mkdtempSync(path.join(root, 'case-'));
    const facts = path.join(dir, 'facts.json');
    writeFileSync(facts, JSON.stringify(await fixtureFacts('cloud-vm')));
    writeFileSync(path.join(dir, 'answers.yaml'), `profile: workshop\nimages:\n  offline_bundle: ${bundle}\n`);
    writeFileSync(path.join(dir, 'bundle.tar'), 'images');
    return runCiabInProcess(['plan', '--facts', facts, '--answers', path.join(dir, 'answers.yaml'), '--state-dir', path.join(dir, 'state')], { cwd: dir });
  };

  it('a missing bundle blocks, naming the answers key and the path', async () => {
    const result = await plan('/nonexistent/ciab-bundle.tar');
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/images\.offline_bundle: \/nonexistent\/ciab-bundle\.tar does not exist, so the images cannot come from it/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/images come from the offline bundle/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a readable bundle (relative to the current folder) lifts the uplink block', async () => {
    const result = await plan('bundle.tar');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Pull images .* load container images from the offline bundle/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/images\.offline_bundle: |uplink .*not reachable/);
  });
});
