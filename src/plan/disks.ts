// Which disks the plan may use: by path (checked and wipe-confirmed) or by filter (blank disks only).
import type { Disk, DiskVerdict } from '../model/facts.js';
import type { DiskFilter, DiskSelector } from '../model/answers.js';
import { formatBytes } from '../model/units.js';

/** Reasons that rule a disk out whatever the user says. */
const NEVER: ReadonlySet<DiskVerdict> = new Set(['root-disk', 'boot-disk', 'installer-media', 'mounted', 'in-use', 'read-only', 'virtual-device', 'too-small']);
/** Reasons that a named wipe confirmation overrides. */
const WIPEABLE: ReadonlySet<DiskVerdict> = new Set(['has-partitions', 'has-signature', 'lvm-member', 'raid-member']);

export function diskMatches(disk: Disk, ref: string): boolean {
  return disk.path === ref || disk.byId === ref || `/dev/${disk.name}` === ref;
}

/** A disk that could be used at all: blank, or holding data that a confirmed wipe removes. */
export function isCandidate(disk: Disk): boolean {
  return disk.reasons.every((r) => !NEVER.has(r.code));
}

/** Blank disks, best first: SSDs before spinning disks, then larger before smaller. */
export function spareDisks(all: readonly Disk[]): Disk[] {
  return all
    .filter((d) => d.usable)
    .sort((a, b) => Number(a.rotational === true) - Number(b.rotational === true) || (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0));
}

export function needsWipe(disk: Disk): boolean {
  return disk.reasons.some((r) => WIPEABLE.has(r.code));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

export function filterMatches(disk: Disk, filter: DiskFilter): boolean {
  if (filter.type === 'ssd' && disk.rotational !== false) return false;
  if (filter.type === 'hdd' && disk.rotational !== true) return false;
  if (filter.transport && disk.transport !== filter.transport) return false;
  if (filter.min_size !== undefined && (disk.sizeBytes ?? 0) < filter.min_size) return false;
  if (filter.max_size !== undefined && (disk.sizeBytes ?? Infinity) > filter.max_size) return false;
  if (filter.model && !globToRegExp(filter.model).test(disk.model ?? '')) return false;
  return true;
}

export interface DiskSelection {
  disks: Disk[];
  /** Disks whose current contents will be destroyed (each confirmed by name in storage.wipe). */
  wiped: Disk[];
  /** Problems, each with the index of the selector it belongs to. */
  errors: Array<{ index: number; message: string }>;
}

export function selectDisks(all: readonly Disk[], selectors: readonly DiskSelector[], wipe: readonly string[]): DiskSelection {
  const chosen: Disk[] = [];
  const errors: DiskSelection['errors'] = [];
  selectors.forEach((selector, index) => {
    const path = typeof selector === 'string' ? selector : 'path' in selector ? selector.path : null;
    if (path !== null) {
      const disk = all.find((d) => diskMatches(d, path));
      if (!disk) {
        errors.push({ index, message: `${path}: no such disk on this machine (disks: ${all.filter(isCandidate).map((d) => d.path).join(', ') || 'none usable'})` });
        return;
      }
      const never = disk.reasons.find((r) => NEVER.has(r.code));
      if (never) {
        errors.push({ index, message: `${path} cannot be used: ${never.message}` });
        return;
      }
      if (needsWipe(disk) && !wipe.some((w) => diskMatches(disk, w))) {
        const what = disk.reasons.filter((r) => WIPEABLE.has(r.code)).map((r) => r.message).join('; ');
        errors.push({ index, message: `${path} holds data (${what}); to destroy it, list it under storage.wipe` });
        return;
      }
      if (!chosen.includes(disk)) chosen.push(disk);
      return;
    }
    const filter = (selector as { filter: DiskFilter }).filter;
    // Filters only ever pick blank disks: a workshop file must not wipe a seat's data by accident.
    const matches = spareDisks(all).filter((d) => filterMatches(d, filter) && !chosen.includes(d));
    if (matches.length === 0) {
      const blank = all.filter((d) => d.usable);
      const seen = blank.length > 0 ? blank.map((d) => `${d.path} ${formatBytes(d.sizeBytes)} ${d.transport}${d.rotational ? ' hdd' : ' ssd'}`).join(', ') : 'no blank disks at all';
      errors.push({ index, message: `the filter matches no blank disk (blank disks here: ${seen})` });
      return;
    }
    const count = filter.count === 'all' ? matches.length : (filter.count ?? 1);
    if (matches.length < count) {
      errors.push({ index, message: `the filter wants ${count} disks but matches ${matches.length} (${matches.map((d) => d.path).join(', ')})` });
      return;
    }
    chosen.push(...matches.slice(0, count));
  });
  return { disks: chosen, wiped: chosen.filter(needsWipe), errors };
}

/**
 * The disks an earlier run of this install gave to its volume group: their LVM signature and the group's logical
 * volumes (device-mapper holders named `<vg>-<lv>` with dashes doubled) are ciab's own, not data to protect, so a
 * resume or a re-run plans them again instead of asking to wipe them. prepare-host still checks at run time that
 * the physical volume belongs to this group and refuses it otherwise.
 */
export function claimOwnDisks(disks: readonly Disk[], own: { paths: readonly string[]; volumeGroup: string }): Disk[] {
  const holderPrefix = `${own.volumeGroup.replace(/-/g, '--')}-`;
  return disks.map((disk) => {
    if (!own.paths.some((p) => diskMatches(disk, p))) return disk;
    const onlyOurVolumes = disk.holders.every((h) => h.startsWith(holderPrefix));
    const reasons = disk.reasons.filter((r) => !(r.code === 'lvm-member' || (r.code === 'in-use' && onlyOurVolumes)));
    if (reasons.length === disk.reasons.length) return disk;
    return { ...disk, reasons, usable: reasons.length === 0 };
  });
}
