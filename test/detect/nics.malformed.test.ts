// Broken machines: detection never throws, unknowns are null, and a note says why.
import { describe, expect, it } from 'vitest';
import { detectNetwork } from '../../src/detect/nics.js';
import { DEFAULT_DETECT_OPTIONS } from '../../src/detect/index.js';
import { HostRecording } from '../../src/env/recording.js';
import type { CommandResult, HostReader } from '../../src/env/types.js';
import { Network, Nic, type Note } from '../../src/model/facts.js';
import { createSparseHost, loadHostFixture } from '../fakes/fixture-host.js';

const OPTIONS = { ...DEFAULT_DETECT_OPTIONS, uplink: false };
const IP_ADDR = 'ip -j -d addr';
const ROUTE = 'ip -j route show default';

function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: '', notFound: false, timedOut: false };
}

/** The server fixture with some parts replaced (or removed with `undefined`). */
function server(change: (recording: HostRecording) => void): HostRecording {
  const recording = loadHostFixture('server', ['nics', 'fallbacks']);
  change(recording);
  return recording;
}

async function detect(recording: HostRecording, overrides: Partial<HostReader> = {}) {
  const notes: Note[] = [];
  const result = await detectNetwork(createSparseHost(recording, overrides), notes, OPTIONS);
  Nic.array().parse(result.nics);
  Network.parse(result.network);
  const nic = (name: string) => result.nics.find((n) => n.name === name);
  const noteText = notes.map((n) => `${n.fact}: ${n.message}`).join('\n');
  return { ...result, notes, nic, noteText };
}

describe('ip -j -d addr', () => {
  it('ip missing: interfaces still come from sysfs, addresses empty, a note says why', async () => {
    const { nics, nic, notes, network } = await detect(
      server((r) => {
        r.commands = {};
      }),
    );
    expect(nics).toHaveLength(8);
    expect(nic('br0')).toMatchObject({ kind: 'bridge', addresses: [], master: null });
    expect(nic('eno1')).toMatchObject({ kind: 'physical', master: 'bond0', speedMbps: 1000 });
    expect(notes).toContainEqual({ fact: 'nics', message: expect.stringMatching(/ip \(iproute2\) is not installed/) });
    expect(notes).toContainEqual({ fact: 'network.defaultRoute', message: expect.stringMatching(/not installed; default route unknown/) });
    expect(network.defaultRoute).toBeNull();
    // Without the route nothing is management; with addresses unknown nothing is called external
    // (br0.100 really has an address, enp65s0f0 really has none: we cannot tell them apart).
    expect(nics.map((n) => n.role)).toEqual(nics.map(() => null));
  });

  it('non-zero exit: the first stderr line is in the note', async () => {
    const { notes, nic } = await detect(
      server((r) => {
        r.commands[IP_ADDR] = { exitCode: 255, stdout: '', stderr: 'Option "-j" is unknown, try "ip -help".\n', notFound: false, timedOut: false };
      }),
    );
    expect(notes).toContainEqual({
      fact: 'nics',
      message: expect.stringContaining('failed with exit code 255: Option "-j" is unknown'),
    });
    expect(nic('br0')?.addresses).toEqual([]);
  });

  it('garbage JSON', async () => {
    const { notes, nics } = await detect(
      server((r) => {
        r.commands[IP_ADDR] = ok('<html>definitely not json');
      }),
    );
    expect(nics.length).toBe(8);
    expect(notes).toContainEqual({ fact: 'nics', message: expect.stringMatching(/output unusable \(not JSON/) });
  });

  it('JSON of the wrong shape, and malformed entries among good ones', async () => {
    const wrong = await detect(server((r) => void (r.commands[IP_ADDR] = ok('{"ifname":"br0"}'))));
    expect(wrong.noteText).toMatch(/not a JSON array/);

    const mixed = await detect(
      server((r) => {
        r.commands[IP_ADDR] = ok(
          JSON.stringify([
            42,
            { ifindex: 7, ifname: 'br0', addr_info: [{ family: 'inet', local: '198.51.100.10', prefixlen: 24, scope: 'global' }, { family: 'inet', local: 5 }, 'x'] },
            { noname: true },
          ]),
        );
      }),
    );
    expect(mixed.nic('br0')?.addresses).toEqual([{ family: 'inet', address: '198.51.100.10', prefixlen: 24, scope: 'global' }]);
    expect(mixed.noteText).toMatch(/ignored 2 malformed entries/);
  });

  it('the command times out', async () => {
    const { noteText } = await detect(
      server((r) => void (r.commands[IP_ADDR] = { exitCode: -1, stdout: '', stderr: '', notFound: false, timedOut: true })),
    );
    expect(noteText).toMatch(/ip -j -d addr` timed out/);
  });
});

describe('ip route', () => {
  it('garbage route JSON: default route unknown, noted', async () => {
    const { network, noteText, nic } = await detect(server((r) => void (r.commands[ROUTE] = ok('[{"dst":'))));
    expect(network.defaultRoute).toBeNull();
    expect(nic('br0')).toMatchObject({ defaultRoute: false, role: null });
    expect(noteText).toMatch(/network\.defaultRoute: `ip -j route show default` output unusable/);
  });

  it('no default route at all is said plainly', async () => {
    const { network, noteText } = await detect(server((r) => void (r.commands[ROUTE] = ok('[]\n'))));
    expect(network.defaultRoute).toBeNull();
    expect(noteText).toMatch(/no default route/);
  });

  it('an IPv6 default route is used only when there is no IPv4 one', async () => {
    const v6 = ok(JSON.stringify([{ dst: 'default', gateway: '2001:db8::1', dev: 'enp65s0f0', metric: 1024, flags: [] }]));
    const both = await detect(server((r) => void (r.commands['ip -j -6 route show default'] = v6)));
    expect(both.network.defaultRoute).toEqual({ interface: 'br0', gateway: '198.51.100.1' });
    const only6 = await detect(
      server((r) => {
        r.commands['ip -j -6 route show default'] = v6;
        r.commands[ROUTE] = ok('[]');
      }),
    );
    expect(only6.network.defaultRoute).toEqual({ interface: 'enp65s0f0', gateway: '2001:db8::1' });
    expect(only6.nic('enp65s0f0')?.role).toBe('management');
  });

  it('a failing IPv6 query is silent (IPv6 may simply be off)', async () => {
    const { notes } = await detect(server((r) => void delete r.commands['ip -j -6 route show default']));
    expect(notes).toEqual([]);
  });
});

describe('sysfs', () => {
  it('carrier unreadable on an up link: null, and noted; on a down link: null, silently', async () => {
    const { nic, notes } = await detect(server((r) => void delete r.files['/sys/class/net/enp65s0f0/carrier']));
    expect(nic('enp65s0f0')).toMatchObject({ carrier: null, role: null });
    expect(nic('enp65s0f1')?.carrier).toBeNull();
    expect(notes).toEqual([{ fact: 'nics', message: 'enp65s0f0 is up but its carrier is unreadable' }]);
  });

  it('speed -1, garbage or missing is null, never -1', async () => {
    const { nic } = await detect(
      server((r) => {
        r.files['/sys/class/net/eno1/speed'] = '-1\n';
        r.files['/sys/class/net/eno2/speed'] = 'fast\n';
        delete r.files['/sys/class/net/enp65s0f0/speed'];
      }),
    );
    expect(nic('eno1')?.speedMbps).toBeNull();
    expect(nic('eno2')?.speedMbps).toBeNull();
    expect(nic('enp65s0f0')?.speedMbps).toBeNull();
  });

  it('/sys/class/net unreadable: interfaces from ip, kinds from info_kind, noted', async () => {
    const { nics, nic, noteText } = await detect(
      server((r) => {
        r.dirs = {};
        r.files = Object.fromEntries(Object.entries(r.files).filter(([p]) => !p.startsWith('/sys/')));
        r.links = {};
      }),
    );
    expect(nics.map((n) => n.name)).toEqual(['lo', 'eno1', 'eno2', 'enp65s0f0', 'enp65s0f1', 'bond0', 'br0', 'br0.100']);
    expect(nic('lo')?.kind).toBe('loopback');
    expect(nic('br0')).toMatchObject({ kind: 'bridge', operstate: 'up', role: 'management', mtu: 1500 });
    expect(nic('bond0')).toMatchObject({ kind: 'bond', master: 'br0' });
    expect(nic('br0.100')?.kind).toBe('vlan');
    // No sysfs device link and no info_kind: honest about not knowing.
    expect(nic('eno1')).toMatchObject({ kind: 'unknown', master: 'bond0', carrier: null });
    expect(nic('enp65s0f0')?.role).toBeNull();
    expect(noteText).toMatch(/\/sys\/class\/net is unreadable/);
  });

  it('nothing readable at all: empty lists, nulls, notes, no throw', async () => {
    const empty = HostRecording.parse({ hostname: 'void', root: false });
    const { nics, network, notes } = await detect(empty);
    expect(nics).toEqual([]);
    expect(network).toMatchObject({ defaultRoute: null, dns: [], hostname: 'void', hostnameAddresses: [], hostnameLoopbackTrap: false });
    expect(notes.map((n) => n.fact).sort()).toEqual(['network.defaultRoute', 'network.dns', 'network.hostnameAddresses', 'nics', 'nics']);
  });
});

describe('DNS and hostname', () => {
  it('resolv.conf missing: no servers, noted', async () => {
    const { network, notes } = await detect(server((r) => void delete r.files['/etc/resolv.conf']));
    expect(network.dns).toEqual([]);
    expect(notes).toEqual([{ fact: 'network.dns', message: expect.stringMatching(/resolv\.conf is missing/) }]);
  });

  it('the resolved stub without its upstream file: the stub stays, noted', async () => {
    const laptop = loadHostFixture('laptop', ['nics', 'fallbacks']);
    delete laptop.files['/run/systemd/resolve/resolv.conf'];
    const { network, notes } = await detect(laptop);
    expect(network.dns).toEqual(['127.0.0.53']);
    expect(notes).toEqual([{ fact: 'network.dns', message: expect.stringMatching(/systemd-resolved stub.*upstream servers are unknown/) }]);
  });

  it('getent missing: falls back to /etc/hosts, noted', async () => {
    const laptop = loadHostFixture('laptop', ['nics', 'fallbacks']);
    delete laptop.commands['getent ahostsv4 lappy'];
    const { network, notes } = await detect(laptop);
    expect(network.hostnameAddresses).toEqual(['127.0.1.1']);
    expect(network.hostnameLoopbackTrap).toBe(true);
    expect(notes).toEqual([{ fact: 'network.hostnameAddresses', message: expect.stringMatching(/getent is not available; used \/etc\/hosts/) }]);
  });

  it('getent timing out (slow DNS) also falls back to /etc/hosts', async () => {
    const { network, noteText } = await detect(
      server((r) => void (r.commands['getent ahostsv4 edge01'] = { exitCode: -1, stdout: '', stderr: '', notFound: false, timedOut: true })),
    );
    expect(network.hostnameAddresses).toEqual(['198.51.100.10']);
    expect(noteText).toMatch(/getent timed out/);
  });

  it('getent runs with a one-second timeout', async () => {
    const seen: Array<{ args: readonly string[]; timeoutMs: number | undefined }> = [];
    const recording = loadHostFixture('server', ['nics', 'fallbacks']);
    const inner = createSparseHost(recording);
    await detect(recording, {
      run: async (command, args, options) => {
        if (command === 'getent') seen.push({ args, timeoutMs: options?.timeoutMs });
        return inner.run(command, args, options);
      },
    });
    expect(seen).toEqual([{ args: ['ahostsv4', 'edge01'], timeoutMs: 1000 }]);
  });

  it('a hostname that does not resolve (getent exit 2) is empty, no trap, noted', async () => {
    const { network, noteText } = await detect(
      server((r) => void (r.commands['getent ahostsv4 edge01'] = { exitCode: 2, stdout: '', stderr: '', notFound: false, timedOut: false })),
    );
    expect(network.hostnameAddresses).toEqual([]);
    expect(network.hostnameLoopbackTrap).toBe(false);
    expect(noteText).toMatch(/edge01 does not resolve/);
  });
});
