// Load and validate profiles/*.yaml; an error names file:line:column and the key.
import path from 'node:path';
import { listYamlFiles, PROJECT_ROOT, readUserFile } from '../env/files.js';
import { UserError } from '../model/errors.js';
import { Profile } from '../model/profile.js';
import { locate, readYaml } from '../model/yaml-input.js';

export const DEFAULT_PROFILES_DIR = path.join(PROJECT_ROOT, 'profiles');

export function parseProfile(file: string, text: string): Profile {
  const { value, source } = readYaml(file, text, Profile);
  const expected = path.basename(file).replace(/\.ya?ml$/, '');
  if (value.id !== expected) {
    throw new UserError(`${locate(source, ['id'])}: id: "${value.id}" must match the file name "${expected}"`);
  }
  return value;
}

export async function loadProfiles(dir: string = DEFAULT_PROFILES_DIR): Promise<Profile[]> {
  const files = await listYamlFiles(dir);
  if (files.length === 0) throw new UserError(`${dir}: no profiles (*.yaml) found`);
  const profiles = await Promise.all(files.map(async (file) => parseProfile(file, await readUserFile(file, 'the profile'))));
  return profiles.sort((a, b) => a.rank - b.rank);
}
