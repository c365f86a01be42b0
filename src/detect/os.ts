import type { HostReader } from '../env/types.js';
import type { ListeningPort, Note, Os } from '../model/facts.js';
// STUB
export async function detectOs(reader: HostReader, _notes: Note[]): Promise<Os> {
  return { id: null, versionId: null, codename: null, prettyName: null, kollaSupported: false, kollaSupportNote: '', kernel: null, init: null, python3: null, containerEngines: [], imagesPath: '/var/lib', imagesFreeBytes: null, timeSync: { synchronized: null, service: null }, services: { clashing: [] }, privilege: { root: reader.isRoot(), passwordlessSudo: null } };
}
export async function detectPortsInUse(_reader: HostReader, _notes: Note[]): Promise<ListeningPort[]> {
  return [];
}
