// The DeploymentPlan: everything the installer will do, decided up front by one pure function.
import type { Answers } from './answers.js';
import type { ServiceId, StorageBackend } from './profile.js';

export const PLAN_VERSION = 1;

export type KollaValue = string | number | boolean;

export interface KollaVar {
  value: KollaValue;
  /** Why the plan sets it; becomes the comment in globals.yml. */
  why: string;
}

export type PhaseId =
  | 'prepare-host'
  | 'kolla-certificates'
  | 'kolla-prechecks'
  | 'kolla-pull'
  | 'kolla-deploy'
  | 'kolla-post-deploy'
  | 'bootstrap-cloud'
  | 'verify';

export interface Phase {
  id: PhaseId;
  title: string;
  /** What it does to the machine, in a sentence. */
  what: string;
  /** Ansible tasks it runs (task headers, skipped ones included), when known. */
  tasks: number | null;
  /** Rough minutes on an SSD machine with a fast uplink; pull depends on bandwidth. */
  estimateMinutes: number;
}

export interface HostChange {
  area: 'network' | 'disks' | 'packages' | 'services' | 'ports' | 'files';
  what: string;
  /** Destroys data: shown and confirmed by name. */
  destructive?: boolean;
}

export interface DeploymentPlan {
  schemaVersion: typeof PLAN_VERSION;
  profile: { id: string; title: string };
  release: { openstack: string; kollaAnsible: string };
  host: {
    hostname: string;
    managementInterface: string;
    managementIp: string;
    managementCidr: string;
    gateway: string | null;
    dns: string[];
    timezone: string;
    domain: string;
    /** The OS's network configuration system: host network files are written in its format. */
    networkConfig: 'netplan' | 'networkd' | 'ifupdown' | 'NetworkManager' | 'unknown';
    /** For kolla_base_distro and package names. */
    os: { id: string | null; codename: string | null };
  };
  network: {
    access: 'local' | 'lan';
    /** Where the APIs answer: the management IP itself without HAProxy, else the VIP. */
    vip: string;
    haproxy: boolean;
    tls: boolean;
    neutronPlugin: 'ovn' | 'openvswitch';
    /** kolla's neutron_external_interface: the veth end (local) or the spare NIC (lan). */
    externalInterface: string;
    /** local access: a veth pair and a bridge with the floating gateway, NAT'd out of the management NIC. */
    localBridge: {
      bridge: string;
      vethHost: string;
      vethKolla: string;
      gatewayCidr: string;
      natOut: string;
    } | null;
    floating: { cidr: string; gateway: string; start: string; end: string };
  };
  storage: {
    backend: StorageBackend;
    /** LVM volume group for cinder (lvm, lvm-file). */
    volumeGroup: string | null;
    disks: Array<{ path: string; byId: string | null; sizeBytes: number | null; wipe: boolean }>;
    /** lvm-file: the loop file and its size. */
    file: { path: string; sizeGiB: number } | null;
    /** Images on the host's file system (Ceph is not offered: CEPH_NOT_OFFERED). */
    glance: 'file';
    capacityBytes: number | null;
  };
  compute: {
    virtType: 'kvm' | 'qemu';
    /** Memory nova must not give to instances: the services' budget plus the host's own share. */
    reservedMemoryBytes: number;
    vcpusForInstances: number | null;
    memoryForInstancesBytes: number | null;
  };
  services: ServiceId[];
  /** The profile's memory budget of each planned service, MiB (what reservedMemoryBytes adds up). */
  memoryBudgetMiB?: Partial<Record<ServiceId, number>>;
  workers: { service: number; rpc: number };
  /** globals.yml, key by key, each with its reason. */
  kolla: Record<string, KollaVar>;
  images: {
    registry: string;
    offlineBundle: string | null;
    /**
     * kolla's prechecks refuse quay.io/openstack.kolla ("meant only for testing") unless kolla-ansible runs
     * with --use-test-images; they are the only public images, so the prechecks phase passes it then.
     */
    useTestImages: boolean;
  };
  proxy: Answers['proxy'];
  /** Extra CA certificates (absolute PEM file paths) prepare-host makes the host and pip trust. */
  trust?: { caCertificates: string[] };
  /** The admin password is generated at render time when not given; the plan only says which. */
  adminPassword: 'given' | 'generated';
  phases: Phase[];
  changes: HostChange[];
}
