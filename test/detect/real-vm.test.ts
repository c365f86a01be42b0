// A recording of a real Debian 12 machine (the qemu testbed, with udev and systemd — unlike the build machine),
// replayed through detection: what the VM test asserts live, kept as a fixture that runs everywhere in ms.
import { describe, expect, it } from 'vitest';
import { detectHost } from '../../src/detect/index.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';

describe('real Debian 12 VM, replayed', () => {
  it('finds the blank virtio disks with their by-id paths, the root disk, both NICs and the OS', async () => {
    // Offline and without the KVM probe, as the VM test runs live: the fixture's uplink and probe entries go unread.
    const host = createFixtureHost(loadHostFixture('debian12-vm'), {}, { requireAllRead: false });
    const facts = await detectHost(host, { uplink: false, installerPath: '/root/ciab' });
    const disk = (name: string) => facts.disks.find((d) => d.name === name)!;
    expect(disk('vda').reasons[0]!.code).toBe('root-disk');
    expect(disk('vdb')).toMatchObject({ usable: true, transport: 'virtio', byId: '/dev/disk/by-id/virtio-ciab-data-20g' });
    expect(disk('vdc')).toMatchObject({ usable: true, transport: 'virtio', byId: '/dev/disk/by-id/virtio-ciab-data-40g' });
    const nic = (name: string) => facts.nics.find((n) => n.name === name)!;
    expect(nic('enp0s2')).toMatchObject({ kind: 'physical', driver: 'virtio_net', role: 'management' });
    expect(nic('enp0s3')).toMatchObject({ kind: 'physical', driver: 'virtio_net', role: 'external' });
    expect(facts.os).toMatchObject({ id: 'debian', codename: 'bookworm', init: 'systemd', networkConfig: 'ifupdown' });
    expect(facts.notes.filter((n) => n.fact === 'disks')).toEqual([]);
  });
});
