// The installer's inputs read through env.files: files the user named, the profiles and the host templates.
// Parsing stays pure (profiles/, model/yaml-input); this is only the reading.
import path from 'node:path';
import type { Env } from '../env/types.js';
import { UserError } from '../model/errors.js';
import type { Profile } from '../model/profile.js';
import { parseProfiles } from '../profiles/load.js';
import type { HostTemplates } from '../render/host.js';

/** Answers and facts files are small; a bigger one is a mistake (a device, a log), not input. */
export const USER_FILE_MAX_BYTES = 1024 * 1024;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  EFBIG: 'larger than 1 MiB',
  ELOOP: 'a symlink loop',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long',
};

/** How a file the user named appears in messages: `-` is stdin. */
export function inputName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

/**
 * Read a file the user named (relative to the working folder; `-` is stdin); a missing, unreadable or strange
 * file is their error, named in one line. Capped (1 MiB by default), UTF-8 only; a BOM is dropped.
 */
export async function readUserFile(env: Env, file: string, what: string, { maxBytes = USER_FILE_MAX_BYTES } = {}): Promise<string> {
  let text: string;
  if (file === '') throw new UserError(`cannot read ${what}: the file name is empty`);
  if (file === '-') {
    text = await readStdin(env, what, maxBytes);
  } else {
    try {
      text = await env.files.readText(path.resolve(env.cwd, file), { maxBytes });
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      const why = code === 'ENOTREG' ? message.replace(/^.*: /, '') : code === 'EFBIG' ? `larger than ${formatLimit(maxBytes)}` : (READ_ERRORS[code ?? ''] ?? code ?? 'unknown error');
      throw new UserError(`${file}: cannot read ${what} (${why})`);
    }
  }
  // Invalid UTF-8 decodes to U+FFFD: name the line rather than parse mojibake.
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw new UserError(`${inputName(file)}:${line}: ${what} is not UTF-8 text (save it as UTF-8)`);
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function formatLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

async function readStdin(env: Env, what: string, maxBytes: number): Promise<string> {
  const stdin = env.terminal.stdin;
  if (stdin.isTTY) throw new UserError(`-: ${what} from stdin, but stdin is a terminal; pipe the file in (ciab … - < FILE)`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > maxBytes) throw new UserError(`stdin: cannot read ${what} (larger than ${formatLimit(maxBytes)})`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
  // workshop.yaml and workshop.yml would both claim the id "workshop": which one wins must not be an accident.
  const byId = new Map<string, string>();
  for (const file of files) {
    const id = path.basename(file).replace(/\.ya?ml$/, '');
    const other = byId.get(id);
    if (other) throw new UserError(`${dir}: two files define the profile "${id}": ${path.basename(other)} and ${path.basename(file)}; remove one`);
    byId.set(id, file);
  }
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
