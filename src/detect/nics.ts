import type { HostReader } from '../env/types.js';
import type { Network, Nic, Note } from '../model/facts.js';
import type { DetectOptions } from './index.js';

// STUB — to be replaced by the NIC/network detection work.
export async function detectNetwork(
  reader: HostReader,
  _notes: Note[],
  _options: DetectOptions,
): Promise<{ nics: Nic[]; network: Network }> {
  return {
    nics: [],
    network: {
      defaultRoute: null,
      dns: [],
      hostname: reader.hostname(),
      hostnameAddresses: [],
      hostnameLoopbackTrap: false,
      uplink: { checked: false, reachable: null, target: '', ms: null, error: null },
    },
  };
}
