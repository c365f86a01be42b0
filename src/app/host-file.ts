// A host file the user names: HostFacts (`ciab detect --json`) or a recording (`ciab detect --record`). A recording
// goes through the real detection code over a replaying reader, so it plans and renders anywhere.
import { detectHost } from '../detect/index.js';
import { HostRecording, replayHost } from '../env/recording.js';
import type { Env } from '../env/types.js';
import { UserError } from '../model/errors.js';
import { HostFactsFile, type HostFacts } from '../model/facts.js';
import { parseYamlSource, readYaml } from '../model/yaml-input.js';
import { inputName, loadKvmProbe, readUserFile } from './inputs.js';

export type HostFileKind = 'facts' | 'recording';

const EXPECTED =
  'expected HostFacts (from `ciab detect --json`: schemaVersion, cpu, disks …) or a recording (from `ciab detect --record`: hostname, files, commands …)';

/** Which kind of host file this is, from its top-level keys; a one-line error when it is neither. */
export function hostFileKind(file: string, text: string): HostFileKind {
  let raw: unknown;
  try {
    raw = parseYamlSource(file, text).doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof UserError) throw error;
    // The yaml library refuses alias bombs here: the file's problem, not ours.
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`${file}: not usable YAML: ${/excessive alias/i.test(message) ? 'too many aliases (*name) expand the file beyond reason' : message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${file}: not a host file: ${EXPECTED}`);
  const keys = new Set(Object.keys(raw));
  if (keys.has('schemaVersion') || keys.has('cpu')) return 'facts';
  if (keys.has('hostname') && ['files', 'dirs', 'commands', 'open'].some((k) => keys.has(k))) return 'recording';
  const seen = [...keys].slice(0, 4).join(', ');
  throw new UserError(`${file}: not a host file (top-level keys: ${seen || 'none'}): ${EXPECTED}`);
}

/** Facts from a recording, detected by the same code that reads a live machine. */
export async function factsFromRecording(env: Env, file: string, text: string): Promise<HostFacts> {
  const recording = readYaml(file, text, HostRecording).value;
  return detectHost(replayHost(recording), {
    // The uplink was probed when the recording holds a connection attempt (--no-uplink-check records none).
    uplink: Object.keys(recording.tcp).length > 0,
    installerPath: recording.installerPath,
    kvmProbeScript: await loadKvmProbe(env),
  });
}

/** `--facts FILE`: HostFacts as they are, or a recording replayed into facts. */
export async function loadHostFile(env: Env, file: string): Promise<HostFacts> {
  const text = await readUserFile(env, file, 'the facts file');
  const name = inputName(file);
  return hostFileKind(name, text) === 'facts' ? readYaml(name, text, HostFactsFile).value : factsFromRecording(env, name, text);
}

/** `detect --replay FILE`: only a recording makes sense here. */
export async function replayRecordingFile(env: Env, file: string): Promise<HostFacts> {
  const text = await readUserFile(env, file, 'the recording');
  if (hostFileKind(file, text) === 'facts') {
    throw new UserError(`${file}: this is a facts file (ciab detect --json), not a recording: pass it to plan/render with --facts, or replay a file from ciab detect --record`);
  }
  return factsFromRecording(env, file, text);
}
