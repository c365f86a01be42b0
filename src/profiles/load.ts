// Parse and validate profile texts (profiles/*.yaml, read by app/inputs.ts); an error names file:line:column and
// the key.
import path from 'node:path';
import { UserError } from '../model/errors.js';
import { Profile } from '../model/profile.js';
import { locate, readYaml } from '../model/yaml-input.js';

export function parseProfile(file: string, text: string): Profile {
  const { value, source } = readYaml(file, text, Profile);
  const expected = path.basename(file).replace(/\.ya?ml$/, '');
  if (value.id !== expected) {
    throw new UserError(`${locate(source, ['id'])}: id: "${value.id}" must match the file name "${expected}"`);
  }
  return value;
}

/** Every profile of a folder, in rank order; a folder without one is an error naming it. */
export function parseProfiles(dir: string, files: ReadonlyArray<{ file: string; text: string }>): Profile[] {
  if (files.length === 0) throw new UserError(`${dir}: no profiles (*.yaml) found`);
  return files.map(({ file, text }) => parseProfile(file, text)).sort((a, b) => a.rank - b.rank);
}
