// The answers file: what a person (or a workshop's USB stick) decides. Every key is optional here, and null
// means "not answered" except where null is itself an answer (no proxy, no mirror, generate the password);
// questions/ fills the gaps in one order: answers file → saved answers → computed default → static default.
import { z } from 'zod';
import { ipv4NetworkProblem, ipv4Problem, ipv4RangeProblem } from './network-values.js';
import { CEPH_NOT_OFFERED, StorageBackend } from './profile.js';

/** A URL with its password (http://user:PASSWORD@host) replaced by ***: for messages and JSON output. */
export function redactUrlPassword(url: string): string;
export function redactUrlPassword(url: string | null): string | null;
export function redactUrlPassword(url: string | null): string | null {
  return url === null ? null : url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1***@');
}

/** The units a size may carry; "GB" and "G" are read as binary too (disks are offered with binary sizes). */
export const SIZE_UNITS = 'B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB';
/** No single machine carries more; a bigger number is a typo (a missing unit, an extra digit). */
export const MAX_SIZE_BYTES = 1024 ** 5;

/** null when the value is a size ciab can use; else what is wrong. */
export function sizeProblem(value: unknown): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value)) return `expected a whole number of bytes or a size like 100GiB, got ${value}`;
    if (value < 0) return `${value} is negative; a size must be 0 or more`;
    if (value > MAX_SIZE_BYTES) return `${value} bytes is more than 1 PiB; write a size like 100GiB`;
    return null;
  }
  if (typeof value !== 'string') return `expected a size like 100GiB, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value}`;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (/^\s*-/.test(value)) return `${shown} is negative; a size must be 0 or more`;
  const bytes = parseSize(value);
  if (Number.isNaN(bytes)) return `${shown} is not a size: expected a number and a unit like 100GiB, 1.5TB or 500G (units: ${SIZE_UNITS})`;
  if (bytes > MAX_SIZE_BYTES) return `${shown} is more than 1 PiB; no disk here is that large`;
  return null;
}

/** Sizes as people write them: 100GiB, 1.5 TB, 500G, or a number of bytes. */
export const Size = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const problem = sizeProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return typeof value === 'number' ? value : parseSize(value);
});

const UNIT_POWERS: Record<string, number> = { B: 0, K: 1, M: 2, G: 3, T: 4, P: 5 };

export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGTP])(i)?(B)?|(B))?\s*$/i.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const unit = (match[2] ?? 'B').toUpperCase();
  return Math.round(value * 1024 ** (UNIT_POWERS[unit] ?? 0));
}

export const DiskFilter = z.strictObject({
  /** ssd or hdd (rotational) */
  type: z.enum(['ssd', 'hdd']).optional(),
  transport: z.enum(['nvme', 'sata', 'sas', 'scsi', 'usb', 'virtio', 'mmc']).optional(),
  min_size: Size.optional(),
  max_size: Size.optional(),
  /** Shell-style pattern on the model string, e.g. "Samsung*" */
  model: z.string().min(1).optional(),
  /** How many matching disks to take (largest first); default 1, "all" for every match. */
  count: z.union([z.number().int().positive(), z.literal('all')]).optional(),
});
export type DiskFilter = z.infer<typeof DiskFilter>;

export const DiskSelector = z.union([
  z.string().regex(/^\/dev\//, 'a device path like /dev/nvme1n1 or /dev/disk/by-id/…'),
  z.strictObject({ path: z.string().regex(/^\/dev\//, 'a device path like /dev/nvme1n1') }),
  z.strictObject({ filter: DiskFilter }),
]);
export type DiskSelector = z.infer<typeof DiskSelector>;

/** A backend answer; ceph gets the reason it is not offered rather than a bare "must be one of". */
const BackendAnswer = z.string().transform((value, ctx) => {
  if (value === 'ceph') {
    ctx.addIssue({ code: 'custom', message: CEPH_NOT_OFFERED });
    return z.NEVER;
  }
  const parsed = StorageBackend.safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${StorageBackend.options.join(', ')}` });
    return z.NEVER;
  }
  return parsed.data;
});

// The same strict syntax the questions check (leading zeros, IPv6, host bits), with file:line:key from the schema.
const checked = (problem: (text: string) => string | null) =>
  z.string().superRefine((text, ctx) => {
    const message = problem(text);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
const Ipv4Text = checked(ipv4Problem);
const CidrText = checked(ipv4NetworkProblem);
const RangeText = checked(ipv4RangeProblem);

export const AnswersFile = z.strictObject({
  profile: z.string().min(1).nullish(),
  network: z
    .strictObject({
      management_interface: z.string().min(1).nullish(),
      access: z.enum(['local', 'lan']).nullish(),
      external_interface: z.string().min(1).nullish(),
      floating_cidr: CidrText.nullish(),
      floating_range: RangeText.nullish(),
      floating_gateway: Ipv4Text.nullish(),
      vip: Ipv4Text.nullish(),
    })
    .optional(),
  storage: z
    .strictObject({
      backend: BackendAnswer.nullish(),
      disks: z.array(DiskSelector).nullish(),
      /** Devices whose data may be destroyed, named one by one. Nothing else is ever wiped. */
      wipe: z.array(z.string().regex(/^\/dev\//, 'a device path')).nullish(),
    })
    .optional(),
  /** null or absent: a strong password is generated and saved 0600. */
  admin_password: z.string().nullish(),
  domain: z.string().nullish(),
  proxy: z
    .strictObject({
      http: z.string().nullish(),
      https: z.string().nullish(),
      no_proxy: z.string().nullish(),
    })
    .optional(),
  timezone: z.string().nullish(),
  images: z
    .strictObject({
      /** A registry mirror (host:port) that serves kolla's images, e.g. a workshop's local registry. */
      registry: z.string().nullish(),
      /** A file with all images (offline install). */
      offline_bundle: z.string().nullish(),
      /** How the mirror speaks: http (a plain registry:2, docker_registry_insecure) or https. */
      registry_scheme: z.enum(['https', 'http']).nullish(),
    })
    .optional(),
  /** Preflight check ids to skip, like --skip-check. */
  skip_checks: z.array(z.string()).nullish(),
  trust: z
    .strictObject({
      /**
       * Extra CA certificates (PEM files on this host, relative to the answers file) to trust: a TLS-intercepting
       * proxy's or a private registry's. prepare-host puts them into the system store and pip's configuration.
       */
      ca_certificates: z.array(z.string().min(1)).nullish(),
    })
    .optional(),
}).superRefine((file, ctx) => {
  // No value may carry control or escape characters: they would reach the inventory, the files or the terminal raw.
  const walk = (value: unknown, path: Array<string | number>): void => {
    if (typeof value === 'string') {
      if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) ctx.addIssue({ code: 'custom', path, message: 'contains control or escape characters (a newline, a tab, ESC …); plain text only' });
    } else if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  walk(file, []);
});
export type AnswersFile = z.infer<typeof AnswersFile>;

/** Fully resolved answers: every question has a value (or an explicit null). */
export interface Answers {
  profile: string;
  network: {
    management_interface: string;
    access: 'local' | 'lan';
    external_interface: string | null;
    floating_cidr: string;
    floating_range: string;
    floating_gateway: string;
    vip: string | null;
  };
  storage: {
    backend: StorageBackend;
    disks: DiskSelector[];
    wipe: string[];
  };
  admin_password: string | null;
  domain: string;
  proxy: { http: string | null; https: string | null; no_proxy: string | null };
  timezone: string;
  images: { registry: string | null; offline_bundle: string | null; registry_scheme: 'https' | 'http' | null };
  skip_checks: string[];
  /** Absolute paths of extra CA certificate files to trust (absent: none). */
  trust?: { ca_certificates: string[] };
}
