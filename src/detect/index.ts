// detectHost: read the machine once, in parallel, into a validated HostFacts document.
import { performance } from 'node:perf_hooks';
import type { HostReader } from '../env/types.js';
import { HOST_FACTS_VERSION, HostFacts, type Note } from '../model/facts.js';
import { detectCpu, detectSystem } from './cpu.js';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions } from './options.js';
import { detectMemory } from './memory.js';
import { detectDisks } from './disks.js';
import { detectNetwork } from './nics.js';
import { detectOs, detectPortsInUse } from './os.js';

export { DEFAULT_DETECT_OPTIONS, type DetectOptions } from './options.js';

export async function detectHost(reader: HostReader, options: Partial<DetectOptions> = {}): Promise<HostFacts> {
  const opts = { ...DEFAULT_DETECT_OPTIONS, ...options };
  const started = performance.now();
  // Each probe notes into its own list, joined in a fixed order: the probes finish in any order,
  // and the same machine must give the same document (detect --replay compares them).
  const noted: Note[][] = Array.from({ length: 7 }, () => []);
  const [system, cpu, memory, disks, net, os, portsInUse] = await Promise.all([
    detectSystem(reader, noted[0]!),
    detectCpu(reader, noted[1]!, opts.kvmProbeScript ?? null),
    detectMemory(reader, noted[2]!),
    detectDisks(reader, noted[3]!, opts),
    detectNetwork(reader, noted[4]!, opts),
    detectOs(reader, noted[5]!),
    detectPortsInUse(reader, noted[6]!),
  ]);
  // Inside a probe, reads run in parallel too: order by fact (stable, so one fact's notes keep theirs).
  const notes = noted.flatMap((list) => [...list].sort((a, b) => a.fact.localeCompare(b.fact)));
  const facts: HostFacts = {
    schemaVersion: HOST_FACTS_VERSION,
    detectedAt: reader.now().toISOString(),
    durationMs: Math.round(performance.now() - started),
    system,
    cpu,
    memory,
    disks,
    nics: net.nics,
    network: net.network,
    os,
    portsInUse,
    notes,
  };
  // Validate what we built: a parser bug shows up here as a bug, not as a wrong plan later.
  return HostFacts.parse(facts);
}
