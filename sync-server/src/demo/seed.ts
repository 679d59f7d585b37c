/** Demo mode: stations, accounts (password `demo`) and a catalog. Never runs with DEMO=0. */
import type { Logger } from 'pino';
import { createAccount, findAccount, STATIONS_DB, type AccountRole, type StationDoc } from '../auth/accounts';
import type { CouchClient } from '../store/couch';
import type { Schedule } from '../../../src/domain/schedule';
import { BUILT_IN_DEPARTMENTS, DEPARTMENT_PREFIX, type Department, type DepartmentDoc } from '../../../src/domain/calendar-data';
import type { MatterDoc } from '../../../src/domain/catalog';
import { DEMO_MATTERS } from './catalog';
import { publishIfUnversioned } from '../catalog/service';
import { DISTRICT_MATTERS } from './district-catalog';

/**
 * The demo catalogs: `district` (the default) is the twelve hand-written matters and the 200 generated ones, for
 * trying search, a first sync and the catalog screens at real size; `core` is the hand-written twelve only, which
 * tests seed unless they need district size (every test server seeds, and every test device pulls, the catalog).
 */
export const DEMO_CATALOGS = ['district', 'core'] as const;
export type DemoCatalog = (typeof DEMO_CATALOGS)[number];

/** Every matter the demo writes with that catalog. */
export const seededMatters = (catalog: DemoCatalog): MatterDoc[] => (catalog === 'district' ? [...DEMO_MATTERS, ...DISTRICT_MATTERS] : DEMO_MATTERS);

/** Every document id the demo writes into an empty catalog: the matters, the departments, the catalog's version. */
export const seededCatalogIds = (catalog: DemoCatalog): string[] => [...seededMatters(catalog).map((m) => m._id), ...DEMO_DEPARTMENTS.map((d) => `${DEPARTMENT_PREFIX}${d.id}`), 'catalog:meta'];

/** The departments that existed as fixed ids, as documents, with the demo matters each co-approves in 并联. */
export const DEMO_DEPARTMENTS: Department[] = BUILT_IN_DEPARTMENTS.map((d) => ({
  ...d,
  matters: {
    'market-regulation': ['food-business-licence', 'company-establishment', 'individual-business-registration'],
    health: ['public-place-hygiene-licence', 'food-business-licence'],
    fire: ['public-place-hygiene-licence'],
    housing: ['lease-registration'],
    'human-resources': ['social-insurance-registration', 'talent-introduction', 'residence-permit-points'],
  }[d.id] ?? [],
}));

export const DEMO_USCC = '91310106MA1FL4XQ0W';

const weekdays = (periods: [string, string][]): Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri', [string, string][]> => ({ mon: periods, tue: periods, wed: periods, thu: periods, fri: periods });

/** Demo opening hours: lunch-time service (12:00–13:30) on weekdays and Saturday extended service. */
export const DEMO_STATIONS: (Omit<StationDoc, '_id'> & { schedule: Schedule })[] = [
  {
    type: 'station', id: 'jingan-hkri', name: '恒隆广场 楼小二', nameEn: 'Plaza 66 Building Helper', kind: 'building', district: '上海市静安区', buildings: ['恒隆广场一座', '恒隆广场二座'],
    schedule: { slotMinutes: 30, capacity: 2, doorstepCapacity: 1, weekly: { sun: [], ...weekdays([['09:00', '12:00'], ['12:00', '13:30'], ['13:30', '17:30']]), sat: [['09:00', '12:00']] } },
  },
  {
    type: 'station', id: 'songshanhu-nanhuwan', name: '南湖湾分厅', nameEn: 'Nanhuwan Branch Hall', kind: 'branch', district: '东莞市松山湖', buildings: ['南湖湾科技园A栋', '南湖湾科技园B栋'],
    schedule: { slotMinutes: 30, capacity: 3, doorstepCapacity: 2, weekly: { sun: [], ...weekdays([['08:30', '12:00'], ['12:00', '13:30'], ['13:30', '18:00']]), sat: [['09:00', '17:00']] } },
  },
];

export const DEMO_ACCOUNTS: { username: string; role: AccountRole; stationId?: string; uscc?: string; displayName: string }[] = [
  { username: 'station', role: 'station', stationId: 'jingan-hkri', displayName: '恒隆广场 楼小二 工作人员' },
  { username: 'station2', role: 'station', stationId: 'songshanhu-nanhuwan', displayName: '南湖湾分厅 工作人员' },
  { username: 'hall', role: 'hall', displayName: '区政务服务中心 受理窗口' },
  { username: 'enterprise', role: 'enterprise', uscc: DEMO_USCC, displayName: '上海示例科技有限公司' },
  { username: 'admin', role: 'admin', displayName: '系统管理员' },
];

export async function seedDemo(store: CouchClient, log: Logger, catalog: DemoCatalog): Promise<void> {
  const matters = seededMatters(catalog);
  for (const station of DEMO_STATIONS) {
    const id = `station:${station.id}`;
    // Add the schedule to stations seeded before schedules existed; never overwrite an admin's changes.
    await store.upsert<StationDoc & { schedule?: Schedule }>(STATIONS_DB, id, (old) => (old ? (old.schedule ? undefined : { ...old, schedule: station.schedule }) : { _id: id, ...station }));
  }
  for (const account of DEMO_ACCOUNTS) {
    if (!(await findAccount(store, account.username))) await createAccount(store, { ...account, password: 'demo' });
  }
  // The demo catalog is published once, as version 1, while the catalog has no version yet (a first start, or a
  // store from before versions); after that the catalog is the hall's, and a restart never overwrites its edits.
  await publishIfUnversioned(store, matters, 'demo-seed');
  // Departments are the hall's once it edits them: written only into a catalog that has none.
  const departments = await store.allDocs('catalog', { startkey: DEPARTMENT_PREFIX, endkey: `${DEPARTMENT_PREFIX}\ufff0`, limit: 1 });
  if (!departments.rows.length) {
    await store.bulkDocs('catalog', DEMO_DEPARTMENTS.map((d): DepartmentDoc => ({ _id: `${DEPARTMENT_PREFIX}${d.id}`, type: 'department', ...d })));
  }
  log.info({ stations: DEMO_STATIONS.length, accounts: DEMO_ACCOUNTS.length, matters: matters.length, catalog }, 'demo data ready');
}
