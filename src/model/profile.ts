// A deployment profile: what a cloud of this kind needs from the machine and what it runs. Data in profiles/*.yaml.
import { z } from 'zod';

/** The services a profile can run, by our name; plan/services.ts maps each to kolla's enable_* switches. */
export const SERVICES = [
  // infrastructure every kolla deploy has
  'mariadb', 'rabbitmq', 'memcached', 'fluentd', 'kolla-toolbox', 'cron', 'openvswitch', 'ovn', 'haproxy',
  // OpenStack
  'keystone', 'glance', 'placement', 'nova', 'nova-compute', 'neutron', 'horizon', 'cinder', 'heat',
  'designate', 'octavia', 'barbican', 'magnum', 'skyline',
  // operations
  'prometheus-exporters', 'prometheus', 'grafana', 'opensearch',
] as const;
export const ServiceId = z.enum(SERVICES);
export type ServiceId = z.infer<typeof ServiceId>;

export const StorageBackend = z.enum(['lvm', 'lvm-file', 'none']);
export type StorageBackend = z.infer<typeof StorageBackend>;

/**
 * Why Ceph is not offered (DEPLOY-AUDIT K4): kolla only consumes an external Ceph, so a working one needs a
 * single-host cephadm bootstrap with one-OSD pool settings plus kolla's ceph.conf and keyrings under
 * kolla/config/ — none of which ciab can prepare and verify yet (cephadm's images cannot be fetched here).
 */
export const CEPH_NOT_OFFERED =
  'ceph is not offered: ciab cannot yet prepare a single-host Ceph cluster (cephadm bootstrap, one-OSD pools, kolla\'s keyrings), and kolla-ansible only uses an external one; use lvm (a spare disk) or lvm-file (a loop file)';

const Threshold = z.strictObject({
  /** Below this, the profile does not fit (a block finding). */
  block: z.number().positive(),
  /** Below this, it fits but a warning says what suffers. */
  warn: z.number().positive().optional(),
});

export const Profile = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    title: z.string().min(1),
    summary: z.string().min(1),
    /** Who it is for, in a few words. */
    for: z.string().min(1),
    /** Bigger is more capable; the recommendation is the most capable profile that fits. */
    rank: z.number().int(),
    requirements: z.strictObject({
      /** Counted in hardware threads or physical cores. */
      cpu: Threshold.extend({ unit: z.enum(['threads', 'cores']) }),
      memory_gib: Threshold,
      /** Free space where container images (and a file-backed volume group) will live. */
      disk_free_gib: Threshold,
      /** required: no KVM blocks; preferred: no KVM runs nova on qemu with a warning. */
      kvm: z.enum(['required', 'preferred']),
    }),
    services: z.array(ServiceId).min(1),
    /** Hardware threads kept for the control plane; the rest is offered to instances. */
    reserved_threads: z.number().int().nonnegative().default(2),
    storage: z.strictObject({
      /**
       * Where cinder volumes may live, most preferred first; the first one the machine can carry is the default.
       * lvm: a volume group on a spare disk; lvm-file: a volume group on a loop file on the root filesystem;
       * none: no volumes (and no cinder). (No ceph: see CEPH_NOT_OFFERED.)
       */
      backends: z.array(StorageBackend).min(1),
      /** Size of the loop file for lvm-file. */
      file_size_gib: z.number().int().positive(),
    }),
    network: z.strictObject({
      /** HAProxy + keepalived with a separate VIP; false = services answer on the management IP itself. */
      haproxy: z.boolean(),
      tls_external: z.boolean(),
      neutron_plugin: z.enum(['ovn', 'openvswitch']),
    }),
    /** Memory each service needs on this box, MiB; forecasts what is left for instances. */
    memory_budget_mib: z.partialRecord(ServiceId, z.number().int().positive()),
    /** kolla variables this profile sets beyond what the plan derives, each with the reason. */
    kolla: z
      .record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.strictObject({ value: z.union([z.string(), z.number(), z.boolean()]), why: z.string() }))
      .default({}),
  })
  .superRefine((profile, ctx) => {
    profile.services.forEach((service, i) => {
      if (profile.memory_budget_mib[service] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['services', i], message: `${service} has no entry in memory_budget_mib` });
      }
    });
    const volumes = profile.storage.backends.some((b) => b !== 'none');
    if (volumes && !profile.services.includes('cinder')) {
      ctx.addIssue({ code: 'custom', path: ['storage', 'backends'], message: 'volume backends need the cinder service in services' });
    }
    if (profile.network.tls_external && !profile.network.haproxy) {
      ctx.addIssue({ code: 'custom', path: ['network', 'tls_external'], message: 'TLS is terminated by HAProxy: set network.haproxy: true' });
    }
    for (const key of ['cpu', 'memory_gib', 'disk_free_gib'] as const) {
      const { block, warn } = profile.requirements[key];
      if (warn !== undefined && warn < block) {
        ctx.addIssue({ code: 'custom', path: ['requirements', key, 'warn'], message: `warn (${warn}) must not be below block (${block})` });
      }
    }
  });
export type Profile = z.infer<typeof Profile>;
