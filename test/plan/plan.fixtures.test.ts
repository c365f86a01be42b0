// Table-driven: for each recorded machine, the expected ranking, findings and plan.
import { beforeAll, describe, expect, it } from 'vitest';
import { planSession, type Session } from '../../src/app/session.js';
import type { HostFacts } from '../../src/model/facts.js';
import { loadProfiles } from '../helpers/inputs.js';
import { fixtureFacts } from '../helpers/facts.js';
import { EDGE_LAN_ANSWERS, fixturePlan, fixtureSession } from '../helpers/plans.js';

const facts: Record<string, HostFacts> = {};
beforeAll(async () => {
  for (const name of ['laptop', 'server', 'cloud-vm']) facts[name] = await fixtureFacts(name);
});

const fitsOf = (s: Session) => Object.fromEntries(s.ranking.profiles.map((r) => [r.profile.id, r.fits]));
const blockIds = (s: Session, profile: string) => [...new Set(s.ranking.profiles.find((r) => r.profile.id === profile)!.blockers.map((b) => b.id))].sort();

interface Case {
  name: string;
  host: string;
  answers?: string;
  skip?: string[];
  fits: Record<string, boolean>;
  recommended: string | null;
  blocks?: Record<string, string[]>;
  missing?: string[];
  check?: (s: Session) => void;
}

const CASES: Case[] = [
  {
    name: 'laptop with a local MySQL: nothing fits until it is stopped',
    host: 'laptop',
    fits: { workshop: false, edge: false, sandbox: false },
    recommended: null,
    blocks: { workshop: ['ports', 'services'], edge: ['cpu', 'memory', 'ports', 'services', 'storage'], sandbox: ['cpu', 'disk-space', 'memory', 'ports', 'services', 'storage'] },
    missing: ['profile', 'storage.backend'],
    check: (s) => {
      const workshop = s.ranking.profiles.find((r) => r.profile.id === 'workshop')!;
      expect(workshop.blockers.map((b) => b.message)).toContain('port 3306 (mariadb) is held by mysqld (pid 2200) on 127.0.0.1');
      expect(s.plan).toBeNull();
    },
  },
  {
    name: 'laptop, MySQL accepted: workshop on Wi-Fi, local floating IPs, volumes in a loop file',
    host: 'laptop',
    skip: ['ports', 'services'],
    fits: { workshop: true, edge: false, sandbox: false },
    recommended: 'workshop',
    missing: [],
    check: (s) => {
      const plan = s.plan!;
      expect(plan.host).toMatchObject({ managementInterface: 'wlp0s20f3' });
      expect(plan.network).toMatchObject({ access: 'local', haproxy: false, tls: false, externalInterface: 'ciab-veth-ext', vip: plan.host.managementIp });
      expect(plan.network.floating).toEqual({ cidr: '10.20.20.0/24', gateway: '10.20.20.1', start: '10.20.20.2', end: '10.20.20.254' });
      expect(plan.storage).toMatchObject({ backend: 'lvm-file', volumeGroup: 'cinder-volumes', file: { path: '/var/lib/ciab/cinder-volumes.img', sizeGiB: 40 }, disks: [] });
      expect(plan.compute.virtType).toBe('kvm');
      expect(plan.kolla.enable_haproxy?.value).toBe(false);
      expect(plan.kolla.enable_proxysql?.value).toBe(false);
      expect(plan.kolla.kolla_internal_vip_address?.value).toBe(plan.host.managementIp);
      expect(plan.kolla.enable_heat?.value).toBe(false);
      expect(plan.kolla.nova_compute_virt_type).toBeUndefined();
      expect(plan.changes.map((c) => c.what).join('\n')).toMatch(/\/etc\/hosts: lappy → /);
      expect(s.findings.filter((f) => f.skipped).map((f) => f.id).sort()).toEqual(['ports', 'services']);
      // W8: the Wi-Fi address is a DHCP lease, and without HAProxy it is the VIP too: warned, with what to do.
      const address = s.findings.find((f) => f.id === 'static-address')!;
      expect(address.severity).toBe('warn');
      expect(address.message).toMatch(/192\.0\.2\.57 on wlp0s20f3 comes from DHCP/);
      expect(address.hint).toMatch(/DHCP reservation for a4:c3:f0:12:34:56 .*static 192\.0\.2\.0\/24/);
    },
  },
  {
    name: 'server: everything fits, sandbox recommended, the VIP is the one open question',
    host: 'server',
    fits: { workshop: true, edge: true, sandbox: true },
    recommended: 'sandbox',
    missing: ['network.vip'],
    check: (s) => {
      expect(s.ranking.profiles.map((r) => r.profile.id)).toEqual(['sandbox', 'edge', 'workshop']);
      const edge = s.ranking.profiles.find((r) => r.profile.id === 'edge')!;
      expect(edge.forecast.text).toBe('edge: cinder LVM on /dev/nvme1n1, 932 GiB; about 60 vCPU and 111 GiB RAM left for instances');
      expect(s.plan).toBeNull();
    },
  },
  {
    name: 'server, sandbox answered: LVM on the first blank disk (no Ceph), TLS behind HAProxy on the VIP',
    host: 'server',
    answers: 'profile: sandbox\nnetwork:\n  vip: 198.51.100.250\n',
    fits: { workshop: true, edge: true, sandbox: true },
    recommended: 'sandbox',
    missing: [],
    check: (s) => {
      const plan = s.plan!;
      expect(plan.storage.backend).toBe('lvm');
      expect(plan.storage.disks.map((d) => d.path)).toEqual(['/dev/nvme1n1']);
      expect(plan.storage.disks.every((d) => !d.wipe)).toBe(true);
      expect(plan.network).toMatchObject({ vip: '198.51.100.250', haproxy: true, tls: true });
      expect(plan.kolla).toMatchObject({
        kolla_internal_vip_address: { value: '198.51.100.250' },
        kolla_enable_tls_external: { value: true },
        enable_cinder_backend_lvm: { value: true },
        octavia_loadbalancer_topology: { value: 'SINGLE' },
        kolla_base_distro: { value: 'debian' },
      });
      expect(plan.kolla.enable_haproxy).toBeUndefined();
      expect(plan.workers).toEqual({ service: 4, rpc: 2 });
      // quay.io/openstack.kolla: kolla's registry precheck fails unless kolla-ansible gets --use-test-images
      expect(plan.images).toMatchObject({ registry: 'quay.io', useTestImages: true });
      expect(plan.phases.find((p) => p.id === 'kolla-prechecks')!.what).toMatch(/--use-test-images/);
      expect(s.findings.filter((f) => f.severity === 'block')).toEqual([]);
      // a static address (no lease in the recording): nothing to warn about
      expect(s.findings.find((f) => f.id === 'static-address')).toBeUndefined();
    },
  },
  {
    name: 'server, edge with floating IPs on the LAN through the spare 25G port, wiping the old LVM disk',
    host: 'server',
    answers: EDGE_LAN_ANSWERS,
    fits: { workshop: true, edge: true, sandbox: true },
    recommended: 'sandbox',
    missing: [],
    check: (s) => {
      const plan = s.plan!;
      expect(plan.profile.id).toBe('edge');
      expect(plan.network).toMatchObject({ access: 'lan', externalInterface: 'enp65s0f0', localBridge: null });
      expect(plan.kolla.neutron_external_interface?.value).toBe('enp65s0f0');
      expect(plan.storage).toMatchObject({ backend: 'lvm', disks: [{ path: '/dev/sdb', wipe: true }] });
      const destructive = plan.changes.filter((c) => c.destructive);
      expect(destructive).toHaveLength(1);
      expect(destructive[0]!.what).toMatch(/^WIPE \/dev\/sdb/);
      expect(s.findings.find((f) => f.id === 'wipe')?.severity).toBe('warn');
      expect(plan.kolla.enable_prometheus_server?.value).toBe(false);
    },
  },
  {
    name: 'cloud VM without uplink or KVM: nothing fits',
    host: 'cloud-vm',
    fits: { workshop: false, edge: false, sandbox: false },
    recommended: null,
    blocks: { workshop: ['uplink'], edge: ['cpu', 'kvm', 'memory', 'uplink'], sandbox: ['cpu', 'disk-space', 'kvm', 'memory', 'uplink'] },
  },
  {
    name: 'cloud VM with a workshop registry mirror: workshop on qemu, volumes on the blank virtio disk',
    host: 'cloud-vm',
    answers: 'images:\n  registry: registry.workshop.lan:5000\n',
    fits: { workshop: true, edge: false, sandbox: false },
    recommended: 'workshop',
    missing: [],
    check: (s) => {
      const plan = s.plan!;
      expect(plan.compute.virtType).toBe('qemu');
      expect(plan.kolla.nova_compute_virt_type?.value).toBe('qemu');
      expect(plan.kolla.docker_registry?.value).toBe('registry.workshop.lan:5000');
      expect(plan.images.useTestImages).toBe(false);
      expect(plan.phases.find((p) => p.id === 'kolla-prechecks')!.what).not.toMatch(/--use-test-images/);
      expect(plan.storage).toMatchObject({ backend: 'lvm', disks: [{ path: '/dev/vdb', wipe: false }] });
      expect(s.findings.find((f) => f.id === 'kvm')?.severity).toBe('warn');
      expect(s.findings.find((f) => f.id === 'uplink')?.message).toMatch(/mirror registry\.workshop\.lan:5000/);
      expect(s.findings.find((f) => f.id === 'static-address')?.severity).toBe('warn');
    },
  },
  {
    name: 'one workshop answers file for unseen machines: disks by filter',
    host: 'cloud-vm',
    answers: 'profile: workshop\nimages:\n  registry: registry.workshop.lan:5000\nstorage:\n  backend: lvm\n  disks:\n    - filter: {min_size: 50GiB, transport: virtio}\n',
    fits: { workshop: true, edge: false, sandbox: false },
    recommended: 'workshop',
    missing: [],
    check: (s) => expect(s.plan!.storage.disks.map((d) => d.path)).toEqual(['/dev/vdb']),
  },
];

describe.each(CASES)('$name', (c) => {
  let s: Session;
  beforeAll(async () => {
    s = await fixtureSession(c.host, c.answers, c.skip);
  });
  it('ranks the profiles', () => {
    expect(fitsOf(s)).toEqual(c.fits);
    expect(s.ranking.recommended).toBe(c.recommended);
  });
  if (c.blocks) {
    it('names what blocks each profile', () => {
      for (const [profile, ids] of Object.entries(c.blocks!)) expect(blockIds(s, profile)).toEqual(ids);
    });
  }
  if (c.missing) it('knows what is still unanswered', () => expect(s.resolution.missing).toEqual(c.missing));
  if (c.check) it('plans as expected', () => c.check!(s));
});

describe('the plan', () => {
  it('is a pure function of facts, profile and answers', async () => {
    const [a, b] = await Promise.all([fixturePlan('server-sandbox'), fixturePlan('server-sandbox')]);
    expect(a).toEqual(b);
    expect(planSession({ facts: facts.server!, profiles: await loadProfiles(), sources: {}, options: { vars: {} } }).ranking).toEqual(
      planSession({ facts: facts.server!, profiles: await loadProfiles(), sources: {}, options: { vars: {} } }).ranking,
    );
  });

  it('estimates every phase in order (with certificates for TLS)', async () => {
    const plan = await fixturePlan('server-sandbox');
    expect(plan.phases.map((p) => p.id)).toEqual(['prepare-host', 'kolla-certificates', 'kolla-prechecks', 'kolla-pull', 'kolla-deploy', 'kolla-post-deploy', 'bootstrap-cloud', 'verify']);
    expect(plan.phases.every((p) => p.estimateMinutes > 0)).toBe(true);
  });
});
