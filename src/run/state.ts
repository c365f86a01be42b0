// state.json: read (a missing file is a fresh machine, a corrupt one an error naming it), written atomically,
// and the input hashes that decide whether a done phase must run again.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { listFilesRecursive, readTextOrNull, writeFileAtomic } from '../env/run-files.js';
import { UserError } from '../model/errors.js';
import { emptyState, RunState } from '../model/run-state.js';

export function loadState(file: string): RunState {
  const text = readTextOrNull(file);
  if (text === null) return emptyState();
  try {
    return RunState.parse(JSON.parse(text));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'not JSON' : 'not a ciab state file';
    throw new UserError(`${file}: ${why}`, 'move it aside and run again: phases already done then run once more');
  }
}

export function saveState(file: string, state: RunState): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** The rendered configuration's files, by path relative to configDir. */
export function readConfigTree(configDir: string): Map<string, string> {
  const tree = new Map<string, string>();
  for (const rel of listFilesRecursive(configDir)) {
    const text = readTextOrNull(path.join(configDir, rel));
    if (text !== null) tree.set(rel, text);
  }
  return tree;
}

/** Files kolla-ansible itself writes into its config dir (post-deploy's openrc and clouds.yaml, certificates). */
const WRITTEN_BY_KOLLA = /^kolla\/(?:[^/]*openrc[^/]*\.sh|clouds\.yaml|certificates\/)/;

/**
 * The plan's description of what an install would change on this host *now*: it shrinks as the install proceeds
 * (after prepare-host the /etc/hosts entry is there, so the plan no longer lists it). A description for the
 * person, read by no phase: not an input, or a resumed install would run prepare-host again for having done its job.
 */
function phaseInputText(rel: string, text: string): string {
  if (rel !== 'ciab/plan.json') return text;
  try {
    const plan = JSON.parse(text) as Record<string, unknown>;
    delete plan.changes;
    return JSON.stringify(plan);
  } catch {
    return text;
  }
}

/** A short digest per input file (path relative to configDir) of the files whose path starts with one of the prefixes. */
export function inputDigests(tree: ReadonlyMap<string, string>, prefixes: readonly string[]): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const [rel, text] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
    if (!prefixes.some((p) => rel.startsWith(p)) || WRITTEN_BY_KOLLA.test(rel)) continue;
    digests[rel] = createHash('sha256').update(phaseInputText(rel, text)).digest('hex').slice(0, 16);
  }
  return digests;
}

/** One hash over a phase's input digests (names and contents): the same inputs, the same hash. */
export function hashDigests(digests: Readonly<Record<string, string>>, extra = ''): string {
  const hash = createHash('sha256');
  for (const [rel, digest] of Object.entries(digests)) hash.update(rel).update('\0').update(digest).update('\0');
  hash.update(extra);
  return hash.digest('hex').slice(0, 16);
}

export function hashInputs(tree: ReadonlyMap<string, string>, prefixes: readonly string[], extra = ''): string {
  return hashDigests(inputDigests(tree, prefixes), extra);
}

/** Which inputs differ between a phase's last run and now (added, removed or changed), sorted. */
export function changedInputs(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(now)])].filter((rel) => before[rel] !== now[rel]).sort();
}
