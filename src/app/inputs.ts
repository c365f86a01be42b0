// The installer's inputs read through env.files: files the user named, the profiles and the host templates.
// Parsing stays pure (profiles/, model/yaml-input); this is only the reading.
import path from 'node:path';
import type { Env } from '../env/types.js';
import { UserError } from '../model/errors.js';
import type { Profile } from '../model/profile.js';
import { parseProfiles } from '../profiles/load.js';
import type { HostTemplates } from '../render/host.js';

/** Read a file the user named (relative to the working folder); a missing or unreadable file is their error. */
export async function readUserFile(env: Env, file: string, what: string): Promise<string> {
  try {
    return await env.files.readText(path.resolve(env.cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code === 'EFBIG' ? 'too large' : code;
    throw new UserError(`${file}: cannot read ${what} (${why})`);
  }
}

/** A file that may be missing (saved answers, an earlier passwords.yml); unreadable counts as missing. */
export async function readOptionalFile(env: Env, file: string): Promise<string | null> {
  return env.files.readOptional(path.resolve(env.cwd, file)).catch(() => null);
}

export function defaultProfilesDir(env: Env): string {
  return path.join(env.projectRoot, 'profiles');
}

export async function loadProfiles(env: Env, dir: string = defaultProfilesDir(env)): Promise<Profile[]> {
  let names: string[];
  try {
    names = await env.files.list(path.resolve(env.cwd, dir));
  } catch {
    throw new UserError(`${dir}: cannot read the profiles folder`);
  }
  const files = names.filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
  const texts = await Promise.all(files.map(async (file) => ({ file, text: await readUserFile(env, file, 'the profile') })));
  return parseProfiles(dir, texts);
}

/** templates/host/*: the non-YAML host files render/host.ts fills in. */
export async function loadHostTemplates(env: Env): Promise<HostTemplates> {
  const dir = path.join(env.projectRoot, 'templates', 'host');
  const names = await env.files.list(dir);
  const entries = await Promise.all(names.map(async (name) => [name, await env.files.readText(path.join(dir, name))] as const));
  return Object.fromEntries(entries);
}

/** probes/kvm-guest.py, the guest detection runs through the host's python3; null (KVM then unknown) when missing. */
export async function loadKvmProbe(env: Env): Promise<string | null> {
  return env.files.readOptional(path.join(env.projectRoot, 'probes', 'kvm-guest.py')).catch(() => null);
}
