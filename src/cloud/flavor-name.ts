// SCS flavor names (scs-0100 v3; v2 has the same syntax): parse a name into what it promises. Pure.
// SCS-<cpus><L|V|T|C>[i]-<ram GiB>[u][o][-[<M>x][<disk GB>][n|h|s|p]][_<extensions>]

export type CpuType = 'L' | 'V' | 'T' | 'C';
export type DiskType = 'n' | 'h' | 's' | 'p';

export interface FlavorName {
  cpus: number;
  cpuType: CpuType;
  /** `i`: CPU vulnerability mitigations not committed to. */
  insecure: boolean;
  ramGiB: number;
  /** `u`: no ECC memory. */
  ramNoEcc: boolean;
  /** `o`: memory oversubscribed. */
  ramOversubscribed: boolean;
  /** null: no root disk (boot from volume); size null: the cloud picks the size (`-n`, `-`). */
  disk: { count: number; sizeGB: number | null; type: DiskType | null } | null;
  /** The `_…` extensions, unparsed beyond their order check ('' when none). */
  extensions: string;
}

export type ParsedFlavorName = { ok: true; name: FlavorName } | { ok: false; reason: string };

const HEAD = /^SCS-([1-9][0-9]*)([LVTC])(i?)-([0-9]+(?:\.[0-9]+)?)(u?)(o?)(?=$|[-_])/;
const DISK = /^-(?:([1-9][0-9]*)x)?([1-9][0-9]*)?([nhsp])?(?=$|_)/;
// The extensions in the order the standard requires; each optional.
const EXTENSIONS = /^(?:_(?:kvm|chy|xen|vmw|hyv|bms))?(?:_hwv)?(?:_[izar][0-9]*h{0,3})?(?:_[gG][NAI][a-z0-9.]*(?:-[0-9]+h*(?:-[0-9]+h?)?)?)?(?:_ib)?$/;

/** Parse an SCS flavor name; the reason names the first part that breaks the syntax. */
export function parseFlavorName(name: string): ParsedFlavorName {
  if (!name.startsWith('SCS-')) return { ok: false, reason: 'does not start with SCS-' };
  const head = HEAD.exec(name);
  if (!head) {
    return { ok: false, reason: 'needs <vCPUs><L|V|T|C>[i]-<RAM GiB>[u][o] after SCS- (for example SCS-2V-4)' };
  }
  const ramGiB = Number(head[4]);
  if (ramGiB <= 0) return { ok: false, reason: `RAM ${head[4]} GiB is not positive` };
  if (ramGiB * 2 !== Math.floor(ramGiB * 2)) return { ok: false, reason: `RAM ${head[4]} GiB is not a whole or half GiB` };
  let rest = name.slice(head[0].length);
  let disk: FlavorName['disk'] = null;
  if (rest.startsWith('-')) {
    const match = DISK.exec(rest);
    if (!match) return { ok: false, reason: `disk part '${rest.split('_')[0]}' is not [<M>x]<GB>[n|h|s|p] in whole GB` };
    if (match[1] !== undefined && match[2] === undefined) return { ok: false, reason: 'a disk count (Mx) needs a disk size' };
    disk = {
      count: match[1] === undefined ? 1 : Number(match[1]),
      sizeGB: match[2] === undefined ? null : Number(match[2]),
      type: (match[3] as DiskType | undefined) ?? null,
    };
    rest = rest.slice(match[0].length);
  }
  if (!EXTENSIONS.test(rest)) return { ok: false, reason: `extensions '${rest}' are unknown or out of order` };
  return {
    ok: true,
    name: {
      cpus: Number(head[1]),
      cpuType: head[2] as CpuType,
      insecure: head[3] === 'i',
      ramGiB,
      ramNoEcc: head[5] === 'u',
      ramOversubscribed: head[6] === 'o',
      disk,
      extensions: rest,
    },
  };
}

/** scs-0103's `scs:name-v1`: the v2 name with every dash after the first turned into a colon. */
export function nameV1(nameV2: string): string {
  const [prefix, ...rest] = nameV2.split('-');
  return `${prefix}-${rest.join(':')}`;
}

export const CPU_TYPE_SPEC: Record<CpuType, string> = {
  L: 'crowded-core',
  V: 'shared-core',
  T: 'dedicated-thread',
  C: 'dedicated-core',
};

export const DISK_TYPE_SPEC: Record<DiskType, string> = { n: 'network', h: 'hdd', s: 'ssd', p: 'nvme' };
