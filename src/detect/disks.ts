import type { HostReader } from '../env/types.js';
import type { Disk, Note } from '../model/facts.js';
import type { DetectOptions } from './index.js';

// STUB — to be replaced by the disk detection work.
export async function detectDisks(_reader: HostReader, _notes: Note[], _options: DetectOptions): Promise<Disk[]> {
  return [];
}
