// After the teardown playbook (which runs from the kolla venv and so cannot remove it), ciab removes the venv the
// playbook named in state/remove-venv: only that folder, only when it is a venv, and the marker goes either way.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { removeVenvLeftToUs } from '../../src/app/destroy.js';
import { runPaths } from '../../src/run/paths.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ciab-destroy-venv-${process.pid}-`));
  dirs.push(dir);
  const paths = runPaths(dir);
  mkdirSync(path.join(paths.kollaVenv, 'bin'), { recursive: true });
  writeFileSync(path.join(paths.kollaVenv, 'pyvenv.cfg'), 'home = /usr/bin\n');
  mkdirSync(path.dirname(paths.stateFile), { recursive: true });
  return { paths, marker: path.join(path.dirname(paths.stateFile), 'remove-venv') };
}

test('the venv the playbook named goes, with the marker', () => {
  const { paths, marker } = setup();
  writeFileSync(marker, `${paths.kollaVenv}\n`);
  removeVenvLeftToUs(paths);
  expect(existsSync(paths.kollaVenv)).toBe(false);
  expect(existsSync(marker)).toBe(false);
});

test('no marker: the venv stays; a marker naming another folder: that folder stays too', () => {
  const { paths, marker } = setup();
  removeVenvLeftToUs(paths);
  expect(existsSync(paths.kollaVenv)).toBe(true);
  const other = path.join(path.dirname(paths.kollaVenv), 'other');
  mkdirSync(other);
  writeFileSync(path.join(other, 'pyvenv.cfg'), '');
  writeFileSync(marker, `${other}\n`);
  removeVenvLeftToUs(paths);
  expect(existsSync(other)).toBe(true);
  expect(existsSync(paths.kollaVenv)).toBe(true);
  expect(existsSync(marker)).toBe(false);
});
