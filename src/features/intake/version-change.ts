/**
 * A draft remembers the version of its matter it was begun under, with that version's materials (the device
 * keeps only the current catalog). When replication brings a newer version, the intake continues under it and
 * tells staff, in plain words, which materials were added and which are no longer needed.
 */
import type { MatterDoc } from '../../domain/catalog';

export interface MaterialName {
  id: string;
  name: string;
  nameEn: string;
}

/** What a draft keeps of the matter version it is taken under. */
export interface MatterBase {
  matterId: string;
  /** Absent for a catalog from before versions. */
  version?: number;
  materials: MaterialName[];
}

export interface VersionChange {
  matterId: string;
  name: string;
  nameEn: string;
  to?: number;
  added: MaterialName[];
  removed: MaterialName[];
}

export function baseOf(m: MatterDoc): MatterBase {
  return { matterId: m.id, ...(m.version !== undefined ? { version: m.version } : {}), materials: m.materials.map(({ id, name, nameEn }) => ({ id, name, nameEn })) };
}

/** What changed between the version a draft was begun under and `m`; null when it is the same version (or another matter). */
export function versionChange(base: MatterBase | undefined, m: MatterDoc): VersionChange | null {
  if (!base || base.matterId !== m.id || base.version === m.version) return null;
  const before = new Set(base.materials.map((x) => x.id));
  const now = new Set(m.materials.map((x) => x.id));
  return {
    matterId: m.id,
    name: m.name,
    nameEn: m.nameEn,
    ...(m.version !== undefined ? { to: m.version } : {}),
    added: m.materials.filter((x) => !before.has(x.id)).map(({ id, name, nameEn }) => ({ id, name, nameEn })),
    removed: base.materials.filter((x) => !now.has(x.id)),
  };
}
