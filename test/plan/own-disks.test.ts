// A re-run or a resume after prepare-host: the disk that run gave to cinder's volume group now carries an LVM
// signature and, after a deploy, the group's logical volumes. It is ciab's own, not data to be asked to wipe.
import { describe, expect, test } from 'vitest';
import type { Disk } from '../../src/model/facts.js';
import { claimOwnDisks, selectDisks } from '../../src/plan/disks.js';

const blank: Disk = {
  name: 'vdb', path: '/dev/vdb', model: null, serial: null, sizeBytes: 40 * 1024 ** 3, transport: 'virtio', rotational: false,
  removable: false, readOnly: false, partitionTable: null, partitions: [], signatures: [], mountpoints: [], holders: [],
  byId: '/dev/disk/by-id/virtio-blank', usable: true, reasons: [],
} as unknown as Disk;
const ourPv: Disk = {
  ...blank, signatures: ['LVM2_member'], holders: ['cinder--volumes-volume--1'], usable: false,
  reasons: [{ code: 'in-use', message: 'in use by cinder--volumes-volume--1' }, { code: 'lvm-member', message: 'LVM physical volume on vdb' }],
};
const own = { paths: ['/dev/vdb'], volumeGroup: 'cinder-volumes' };

describe('disks an earlier run gave to the volume group', () => {
  test('without the claim the plan refuses them (the bug the VM run found)', () => {
    const { errors } = selectDisks([ourPv], ['/dev/vdb'], []);
    expect(errors[0]?.message).toMatch(/in use by cinder--volumes-volume--1/);
  });

  test('with it they are planned again, with nothing to wipe', () => {
    const claimed = claimOwnDisks([ourPv], own);
    expect(claimed[0]).toMatchObject({ usable: true, reasons: [] });
    expect(selectDisks(claimed, ['/dev/vdb'], [])).toMatchObject({ errors: [], wiped: [], disks: [{ path: '/dev/vdb' }] });
  });

  test('another disk, another volume group, or data beside it stay protected', () => {
    expect(claimOwnDisks([ourPv], { ...own, paths: ['/dev/vdc'] })[0]!.usable).toBe(false);
    const foreign = { ...ourPv, holders: ['data-home'], reasons: [{ code: 'in-use', message: 'in use by data-home' }, ourPv.reasons[1]!] } as Disk;
    expect(claimOwnDisks([foreign], own)[0]!.reasons.map((r) => r.code)).toEqual(['in-use']);
    const mounted = { ...ourPv, reasons: [{ code: 'mounted', message: 'mounted: /srv' }, ...ourPv.reasons] } as Disk;
    expect(claimOwnDisks([mounted], own)[0]).toMatchObject({ usable: false, reasons: [{ code: 'mounted' }] });
  });
});
