import type { HostReader } from '../env/types.js';
import type { Memory, Note } from '../model/facts.js';
// STUB
export async function detectMemory(_reader: HostReader, _notes: Note[]): Promise<Memory> {
  return { totalBytes: null, availableBytes: null, swapTotalBytes: null, swapFreeBytes: null, hugepages: { total: null, free: null, sizeBytes: null } };
}
