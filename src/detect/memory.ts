// Memory from /proc/meminfo.
import type { HostReader } from '../env/types.js';
import type { Memory, Note } from '../model/facts.js';

/** /proc/meminfo values in bytes (or counts for HugePages_*), keyed by field name. */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (!match) continue;
    const value = Number(match[2]);
    values.set(match[1]!, line.includes('kB') ? value * 1024 : value);
  }
  return values;
}

export async function detectMemory(reader: HostReader, notes: Note[]): Promise<Memory> {
  const text = await reader.readText('/proc/meminfo');
  if (text === null) notes.push({ fact: 'memory', message: '/proc/meminfo could not be read: memory unknown' });
  const m = parseMeminfo(text ?? '');
  const get = (key: string) => m.get(key) ?? null;
  if (text !== null && get('MemTotal') === null) notes.push({ fact: 'memory', message: '/proc/meminfo has no MemTotal line' });
  return {
    totalBytes: get('MemTotal'),
    availableBytes: get('MemAvailable'),
    swapTotalBytes: get('SwapTotal'),
    swapFreeBytes: get('SwapFree'),
    hugepages: { total: get('HugePages_Total'), free: get('HugePages_Free'), sizeBytes: get('Hugepagesize') },
  };
}
