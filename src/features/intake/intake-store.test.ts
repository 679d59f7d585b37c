// @vitest-environment happy-dom
/**
 * The intake store's rules for when a draft may be submitted (`validate()`) and which materials are 容缺
 * (`deficientMaterials`), against the demo catalog's 食品经营许可. `submit()` needs a signed-in session and a
 * running SyncEngine (PouchDB), so it is covered by the browser tests, not here.
 */
import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { computed, nextTick } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_MATTERS } from '../../../sync-server/src/demo/catalog';
import { deriveChecklist, type MatterDoc } from '../../domain/catalog';
import { db, type Draft, type DraftPage } from '../../storage/db';
import { useSyncStore } from '../../shared/stores/sync';
import { useSessionStore } from '../../shared/stores/session';
import type { SyncEngine } from '../../sync/sync-engine';
import { deficientMaterials, useIntakeStore } from './intake-store';
import { chinaDay } from '../../domain/china-time';
import { textIn } from '../../shared/i18n/test-support';

/** The store returns message descriptors; these tests read them as the UI shows them. */
const zh = textIn('zh-CN');
const en = textIn('en');

const FOOD = DEMO_MATTERS.find((m) => m.id === 'food-business-licence') as MatterDoc;
/** 大型超市, 零售, 含现制现售: 8 materials. */
const ANSWERS = { 'business-type': 'supermarket', 'sales-mode': 'retail', 'on-site-preparation': 'yes' };
const CORE = ['licence-application', 'legal-rep-id', 'food-safety-rules', 'shop-layout', 'process-flow', 'equipment-layout'];
const NON_CORE = ['entity-licence-copy', 'safety-officer-appointment'];
const OFFICER = 'safety-officer-appointment';

/** A day in China time, as the intake counts them. */
const isoDay = (days: number): string => chinaDay(days);
let nextPage = 1;
const page = (): DraftPage => ({ sha256: (nextPage++).toString(16).padStart(64, '0'), bytes: 1000, type: 'image/jpeg' });
const SIGNATURE: DraftPage = { sha256: 'f'.repeat(64), bytes: 800, type: 'image/png' };

/** A draft of the food licence with valid codes and names, every question answered, a page for each material except `without`. */
function foodDraft(without: string[] = [], over: Partial<Draft> = {}): Draft {
  const now = new Date().toISOString();
  const pages = Object.fromEntries([...CORE, ...NON_CORE].filter((id) => !without.includes(id)).map((id) => [id, [page()]]));
  return {
    id: '01JTESTDRAFT0000000000000A',
    stationId: 'jingan-hkri',
    matterId: FOOD.id,
    uscc: '91310106MA1FL4XQ0W',
    enterpriseName: '上海示例超市有限公司',
    applicantName: '王五',
    idNumber: '310106198503121238',
    pages,
    deficient: {},
    signature: null,
    answers: { ...ANSWERS },
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

function storeWith(d: Draft | null): ReturnType<typeof useIntakeStore> {
  const store = useIntakeStore();
  store.matters = structuredClone(DEMO_MATTERS);
  store.draft = d;
  return store;
}

const nameOf = (id: string): string => FOOD.materials.find((m) => m.id === id)?.name ?? id;

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('the demo matter used here', () => {
  it('has the checklist these tests assume', () => {
    const list = deriveChecklist(FOOD, ANSWERS);
    expect(list.unanswered).toEqual([]);
    expect(list.materials.filter((m) => m.core).map((m) => m.id)).toEqual(CORE);
    expect(list.materials.filter((m) => !m.core).map((m) => m.id)).toEqual(NON_CORE);
  });
});

describe('validate()', () => {
  it('accepts a complete draft', () => {
    expect(storeWith(foodDraft()).validate()).toEqual({});
  });

  it('a mistyped code is never answered with a check character to type (that would make the wrong code pass)', () => {
    // One middle character of the valid 91310106MA1FL4XQ0W changed (index 5: 1 → 2): the check fails as a whole.
    const middle = storeWith(foodDraft([], { uscc: '91310206MA1FL4XQ0W', idNumber: '310106198503121239' })).validate();
    expect(zh.m(middle.uscc)).toBe('统一社会信用代码核对不上，可能有字符输错：请对照证照原件逐位核对');
    expect(en.m(middle.uscc)).not.toMatch(/should be|[^0-9]W$/);
    expect(zh.m(middle.idNumber)).toContain('请对照证照原件逐位核对');
    expect(zh.m(middle.idNumber)).not.toMatch(/应为/);
    // A typo inside the organisation code (positions 9–17) says which part is wrong.
    const org = storeWith(foodDraft([], { uscc: '91310106MA1FL5XQ0W' })).validate();
    expect(zh.m(org.uscc)).toContain('第 9–17 位（组织机构代码）核对不上');
    expect(en.m(org.uscc)).toContain('characters 9–17 (the organisation code)');
  });

  it('asks for a matter, and reports a missing draft', () => {
    expect(zh.m(storeWith(foodDraft([], { matterId: '' })).validate().matter)).toBe('请选择事项');
    expect(zh.m(storeWith(null).validate().matter)).toBe('没有草稿');
  });

  it('blocks on unanswered guided questions, naming those that apply', () => {
    const none = storeWith(foodDraft([], { answers: {} })).validate();
    expect(zh.m(none.answers)).toContain('请回答情景问题');
    expect(zh.m(none.answers)).toContain('经营业态？');
    expect(en.m(none.answers)).toMatch(/^Answer the guided questions: [^\u3400-\u9fff]+$/);

    // Once the business type is known, its follow-up questions apply and must be answered too.
    const partial = storeWith(foodDraft([], { answers: { 'business-type': 'supermarket' } })).validate();
    expect(zh.m(partial.answers)).toContain('经营方式？');
    expect(zh.m(partial.answers)).toContain('是否含现制现售');
    expect(zh.m(partial.answers)).not.toContain('经营业态？');

    const invalid = storeWith(foodDraft([], { answers: { ...ANSWERS, 'business-type': 'bakery' } })).validate();
    expect(zh.m(invalid.answers)).toContain('经营业态？');
    const unknown = storeWith(foodDraft([], { answers: { ...ANSWERS, colour: 'red' } })).validate();
    expect(zh.m(unknown.answers)).toBe('colour：未知问题');
    expect(en.m(unknown.answers)).toBe('colour: unknown question');
  });

  it('blocks on a core material without pages, even when it is marked 容缺', () => {
    const missing = storeWith(foodDraft(['process-flow'])).validate();
    expect(zh.m(missing.pages)).toBe(`还缺材料：${nameOf('process-flow')}`);
    expect(en.m(missing.pages)).toBe(`Missing materials: ${FOOD.materials.find((m) => m.id === 'process-flow')?.nameEn}`);

    const d = foodDraft(['process-flow'], { deficient: { 'process-flow': isoDay(7) }, signature: SIGNATURE });
    expect(zh.m(storeWith(d).validate().pages)).toContain(nameOf('process-flow'));
    expect(deficientMaterials(d, FOOD)).toEqual([]);
  });

  it('blocks on a non-core material that has neither pages nor 容缺', () => {
    expect(zh.m(storeWith(foodDraft([OFFICER])).validate().pages)).toBe(`还缺材料：${nameOf(OFFICER)}`);
  });

  it('lists every missing material', () => {
    const errors = storeWith(foodDraft(['licence-application', 'entity-licence-copy'])).validate();
    expect(zh.m(errors.pages)).toBe(`还缺材料：${nameOf('licence-application')}、${nameOf('entity-licence-copy')}`);
  });

  it('容缺 on a non-core material needs a due date after today', () => {
    for (const due of [isoDay(0), isoDay(-1), '']) {
      const errors = storeWith(foodDraft([OFFICER], { deficient: { [OFFICER]: due }, signature: SIGNATURE })).validate();
      expect(errors.pages, `due "${due}"`).toBeUndefined();
      expect(zh.m(errors.deficient), `due "${due}"`).toBe(`容缺材料需要今天之后的补交日期：${nameOf(OFFICER)}`);
    }
  });

  it('容缺 "after today" is a day in China time, whatever the hour in UTC', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // 01:00 in Shanghai is still the previous day in UTC: today's date must not pass for tomorrow's.
      vi.setSystemTime(new Date('2026-12-06T01:00:00+08:00'));
      const withDue = (due: string) => storeWith(foodDraft([OFFICER], { deficient: { [OFFICER]: due }, signature: SIGNATURE })).validate();
      expect(zh.m(withDue('2026-12-06').deficient)).toBe(`容缺材料需要今天之后的补交日期：${nameOf(OFFICER)}`);
      expect(withDue('2026-12-07').deficient).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('容缺 needs the applicant’s signature under the commitment', () => {
    const unsigned = storeWith(foodDraft([OFFICER], { deficient: { [OFFICER]: isoDay(1) } })).validate();
    expect(Object.keys(unsigned)).toEqual(['deficient']);
    expect(zh.m(unsigned.deficient)).toBe('容缺受理需要申请人签署告知承诺');
    expect(storeWith(foodDraft([OFFICER], { deficient: { [OFFICER]: isoDay(1) }, signature: SIGNATURE })).validate()).toEqual({});
  });

  it('pages win over 容缺: a material that was brought needs no date and no signature', () => {
    const d = foodDraft([], { deficient: { [OFFICER]: isoDay(-3) } });
    expect(storeWith(d).validate()).toEqual({});
    expect(deficientMaterials(d, FOOD)).toEqual([]);
  });

  it('re-reads the draft each time (fixing a field clears its error)', () => {
    const store = storeWith(foodDraft([OFFICER], { deficient: { [OFFICER]: isoDay(0) } }));
    expect(en.m(store.validate().deficient)).toContain('due date after today');
    store.draft!.deficient[OFFICER] = isoDay(3);
    expect(en.m(store.validate().deficient)).toContain('must sign');
    store.draft!.signature = SIGNATURE;
    expect(store.validate()).toEqual({});
  });
});

describe('deficientMaterials', () => {
  it('lists the non-core materials marked 容缺 that have no pages', () => {
    const d = foodDraft(NON_CORE, { deficient: { [OFFICER]: isoDay(5), 'entity-licence-copy': isoDay(9) } });
    expect(deficientMaterials(d, FOOD).map((m) => m.id)).toEqual(['entity-licence-copy', OFFICER]);
    d.pages['entity-licence-copy'] = [page()];
    expect(deficientMaterials(d, FOOD).map((m) => m.id)).toEqual([OFFICER]);
    d.pages['entity-licence-copy'] = []; // a removed last page: 容缺 applies again
    expect(deficientMaterials(d, FOOD).map((m) => m.id)).toEqual(['entity-licence-copy', OFFICER]);
  });

  it('ignores materials the answers do not call for', () => {
    // 承包经营者营业执照复印件 (non-core) is only needed for a contracted canteen.
    const d = foodDraft([], { deficient: { 'contractor-licence': isoDay(5) } });
    expect(deficientMaterials(d, FOOD)).toEqual([]);
    expect(storeWith(d).validate()).toEqual({});
    d.answers = { 'business-type': 'canteen', 'canteen-operator': 'contracted' };
    expect(deficientMaterials(d, FOOD).map((m) => m.id)).toEqual(['contractor-licence']);
  });

  it('keeps a reactive count up to date as guided answers are given (the form’s outstanding count and checklist)', async () => {
    // As IntakeView does: computed over the store's reactive draft. (This needs deriveChecklist to read each
    // answer through the reactive proxy; Vue does not track `Object.hasOwn`, so checking it first hides answers
    // given for the first time.)
    const store = storeWith(foodDraft([], { answers: { 'business-type': 'canteen' }, deficient: { 'contractor-licence': isoDay(5) } }));
    const outstanding = computed(() => deficientMaterials(store.draft!, FOOD).length);
    const checklistSize = computed(() => deriveChecklist(FOOD, store.draft!.answers).materials.length);
    expect(outstanding.value).toBe(0);
    const before = checklistSize.value;
    store.draft!.answers['canteen-operator'] = 'contracted'; // a question answered for the first time
    await nextTick();
    expect(checklistSize.value).toBe(before + 2); // + 食堂承包经营合同, 承包经营者营业执照复印件
    expect(outstanding.value).toBe(1);
  });
});

describe('start without the sync engine: catalog snapshot, drafts, crash recovery', () => {
  /** Just what the store asks of a SyncEngine here: the catalog's documents and whether a submission exists. */
  function fakeEngine(docs: unknown[], submitted: string[]): SyncEngine {
    return {
      catalog: { allDocs: () => Promise.resolve({ rows: docs.map((doc) => ({ doc })) }) },
      local: { get: (id: string) => (submitted.includes(id) ? Promise.resolve({ _id: id }) : Promise.reject(new Error('missing'))) },
    } as unknown as SyncEngine;
  }

  beforeEach(async () => {
    setActivePinia(createPinia());
    await Promise.all([db.drafts.clear(), db.settings.clear()]);
  });

  it('lists the matters of the last snapshot before the engine is loaded, and refreshes it from the engine', async () => {
    const store = useIntakeStore();
    await store.loadCatalog();
    expect(store.matters).toEqual([]); // first start ever: nothing yet

    // The engine's catalog: one valid matter, one that fails the schema (left out, not fatal).
    useSyncStore().engine = fakeEngine([FOOD, { ...FOOD, _id: 'matter:broken', id: 'broken', legalDays: 'soon' }], []);
    await store.loadCatalog();
    expect(store.matters.map((m) => m.id)).toEqual([FOOD.id]);

    // The next start reads the snapshot, with no engine at all.
    setActivePinia(createPinia());
    const next = useIntakeStore();
    await next.loadCatalog();
    expect(next.matters.map((m) => m.id)).toEqual([FOOD.id]);

    // A catalog database that has not replicated yet does not wipe what the snapshot gave.
    useSyncStore().engine = fakeEngine([], []);
    await next.loadCatalog();
    expect(next.matters.map((m) => m.id)).toEqual([FOOD.id]);
  });

  it('opens the newest draft from Dexie alone, then finishes a submit a crash interrupted and moves on', async () => {
    const older = foodDraft([], { id: '01JTESTDRAFT0000000000000B', updatedAt: '2026-11-01T00:00:00.000Z' });
    const crashed = foodDraft([], { id: '01JTESTDRAFT0000000000000C', updatedAt: '2026-11-02T00:00:00.000Z' });
    await db.drafts.bulkPut([older, crashed]);
    const store = useIntakeStore();
    await store.open('jingan-hkri');
    expect(store.draft?.id).toBe(crashed.id);

    // The engine says the crashed draft's submission was written: its draft goes, the older one opens.
    useSyncStore().engine = fakeEngine([], [`submission:${crashed.id}`]);
    await store.recover('jingan-hkri');
    expect(await db.drafts.get(crashed.id)).toBeUndefined();
    expect(await db.drafts.get(older.id)).toBeDefined();
    expect(store.draft?.id).toBe(older.id);
  });

  it('submitting a draft whose submission is already stored (its tab closed mid-submit) gives the stored receipt and writes nothing', async () => {
    const d = foodDraft([], { id: '01JTESTDRAFT0000000000000D' });
    await db.drafts.put(d);
    const storedDoc = { _id: `submission:${d.id}`, type: 'submission', receiptNo: 'JA-20261206-0001', pickupCode: '123456' };
    let writes = 0;
    useSyncStore().engine = {
      stationId: 'jingan-hkri',
      local: { get: (id: string) => (id === storedDoc._id ? Promise.resolve(storedDoc) : Promise.reject(new Error('missing'))) },
      write: () => {
        writes++;
        return Promise.resolve([]);
      },
      kick: () => undefined,
    } as unknown as SyncEngine;
    useSessionStore().session = { username: 'station', role: 'station', station: 'jingan-hkri', expiresAt: '2099-01-01T00:00:00.000Z', purgeAfterDays: 30 };
    const store = storeWith(d);
    const result = await store.submit();
    expect(result.ok).toBe(true);
    expect(result.ok && result.submission.receiptNo).toBe('JA-20261206-0001'); // the stored one, not a new number
    expect(writes).toBe(0); // no second submission, no second submit event
    expect(await db.drafts.get(d.id)).toBeUndefined();
  });
});

describe('一次采集: prefill from the enterprise profile', () => {
  const PROFILE = { uscc: '91310106MA1FL4XQ0W', name: '上海示例超市有限公司', address: '上海市静安区南京西路1266号', legalRepresentative: '李四', contactName: '赵六', contactPhone: '13812345678' };
  const blank = (): Draft => foodDraft([], { uscc: '', enterpriseName: '', enterpriseAddress: '', legalRepresentative: '', contactName: '', contactPhone: '' });

  beforeEach(async () => {
    await db.enterprises.clear();
    await db.enterprises.put({ ...PROFILE, sourceSubmissionId: 'submission:01JTESTSUBMISSION00000000001', updatedAt: '2026-01-01T00:00:00.000Z' });
  });

  /** Let the watcher run and Dexie answer. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await nextTick();
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('fills the enterprise fields as soon as a valid USCC is typed, and says so', async () => {
    const store = storeWith(blank());
    store.draft!.uscc = '91310106MA1FL4XQ0'; // 17 characters: not yet
    await settle();
    expect(store.draft!.enterpriseName).toBe('');
    expect(store.prefilled).toEqual([]);
    store.draft!.uscc = '91310106ma1fl4xq0w'; // typed in lower case: normalised
    await settle();
    expect(store.draft).toMatchObject({ enterpriseName: PROFILE.name, enterpriseAddress: PROFILE.address, legalRepresentative: '李四', contactName: '赵六', contactPhone: '13812345678' });
    expect(store.prefilled).toContain('contactPhone');
    // Still editable: a change stays.
    store.draft!.contactPhone = '021-62881234';
    await settle();
    expect(store.draft!.contactPhone).toBe('021-62881234');
  });

  it('keeps what staff typed before the USCC, and fills nothing for an unknown enterprise', async () => {
    const store = storeWith({ ...blank(), contactName: '钱七' });
    store.draft!.uscc = PROFILE.uscc;
    await settle();
    expect(store.draft!.contactName).toBe('钱七');
    expect(store.draft!.enterpriseName).toBe(PROFILE.name);

    const other = storeWith(blank());
    other.draft!.uscc = '91350100M000100Y43';
    expect(await other.prefillEnterprise()).toEqual([]);
    expect(other.draft!.enterpriseName).toBe('');
  });

  it('checks the contact phone only when given', () => {
    expect(storeWith(foodDraft([], { contactPhone: '' })).validate()).toEqual({});
    expect(storeWith(foodDraft([], { contactPhone: '021-62881234' })).validate()).toEqual({});
    const bad = storeWith(foodDraft([], { contactPhone: '1234' })).validate();
    expect(zh.m(bad.contactPhone)).toBe('联系电话应为手机号或带区号的固定电话');
    expect(en.m(bad.contactPhone)).toMatch(/mobile number or a landline/);
  });
});

describe('movePage()', () => {
  it('moves a page one place within its material, and not past the ends', () => {
    const [a, b, c] = [page(), page(), page()];
    const store = storeWith(foodDraft([], { pages: { 'licence-application': [a!, b!, c!] } }));
    const order = () => store.draft!.pages['licence-application']!.map((p) => p.sha256);
    store.movePage('licence-application', a!.sha256, 1);
    expect(order()).toEqual([b!.sha256, a!.sha256, c!.sha256]);
    store.movePage('licence-application', c!.sha256, -1);
    expect(order()).toEqual([b!.sha256, c!.sha256, a!.sha256]);
    store.movePage('licence-application', b!.sha256, -1);
    store.movePage('licence-application', a!.sha256, 1);
    store.movePage('licence-application', 'f'.repeat(64), 1);
    store.movePage('other-material', a!.sha256, 1);
    expect(order()).toEqual([b!.sha256, c!.sha256, a!.sha256]);
  });
});

describe('bytes of pages a draft no longer has', () => {
  const stored = (p: DraftPage, state: 'draft' | 'pending' = 'draft') => ({ sha256: p.sha256, blob: new Blob(['page']), type: p.type, bytes: p.bytes, state, stationId: 'jingan-hkri', createdAt: new Date().toISOString(), attempts: 0 });

  beforeEach(async () => {
    setActivePinia(createPinia());
    await Promise.all([db.drafts.clear(), db.blobs.clear()]);
  });

  it('leave the device once the draft without them is saved, unless another draft or an upload still uses them', async () => {
    const [kept, removed, shared, uploading, retaken] = [page(), page(), page(), page(), page()];
    const mine = foodDraft([], { id: '01JTESTDRAFT0000000000000D', updatedAt: '2026-11-05T00:00:00.000Z', pages: { 'licence-application': [kept, removed, shared, uploading], 'legal-rep-id': [retaken] } });
    const other = foodDraft([], { id: '01JTESTDRAFT0000000000000E', updatedAt: '2026-11-01T00:00:00.000Z', pages: { 'licence-application': [shared] } });
    await db.drafts.bulkPut([mine, other]);
    await db.blobs.bulkPut([stored(kept), stored(removed), stored(shared), stored(uploading, 'pending'), stored(retaken)]);

    const store = useIntakeStore();
    await store.open('jingan-hkri', mine.id);
    for (const p of [removed, shared, uploading]) store.removePage('licence-application', p.sha256);
    // A retake replaces the page (here by hand: capturing a photo needs a canvas).
    const replacement = page();
    await db.blobs.put(stored(replacement));
    store.draft!.pages['legal-rep-id'] = [replacement];

    await vi.waitFor(async () => expect(await db.blobs.get(removed.sha256)).toBeUndefined());
    await vi.waitFor(async () => expect(await db.blobs.get(retaken.sha256)).toBeUndefined());
    const left = (await db.blobs.toArray()).map((b) => b.sha256).sort();
    expect(left).toEqual([kept, shared, uploading, replacement].map((p) => p.sha256).sort());
    expect((await db.drafts.get(mine.id))?.pages['licence-application']?.map((p) => p.sha256)).toEqual([kept.sha256]);
  });

  it('an emptied draft leaves no saved row behind (it would come back with its old pages)', async () => {
    const only = page();
    const draft = foodDraft([], { id: '01JTESTDRAFT0000000000000F', matterId: '', uscc: '', enterpriseName: '', applicantName: '', idNumber: '', answers: {}, pages: { 'licence-application': [only] } });
    await db.drafts.put(draft);
    await db.blobs.put(stored(only));
    const store = useIntakeStore();
    await store.open('jingan-hkri', draft.id);
    store.removePage('licence-application', only.sha256);
    await vi.waitFor(async () => expect(await db.drafts.get(draft.id)).toBeUndefined());
    expect(await db.blobs.get(only.sha256)).toBeUndefined();
  });
});

describe('a catalog version changing under an open draft', () => {
  const v = (version: number, materials = FOOD.materials): MatterDoc => ({ ...FOOD, version, materials });
  const base = (m: MatterDoc): Draft['matterBase'] => ({ matterId: m.id, version: m.version!, materials: m.materials.map(({ id, name, nameEn }) => ({ id, name, nameEn })) });

  it('remembers the version a draft is begun under, without a notice', async () => {
    const store = useIntakeStore();
    store.matters = [v(1)];
    store.draft = foodDraft();
    await nextTick();
    expect(store.versionNotice).toBeNull();
    expect(store.draft.matterBase?.version).toBe(1);
  });

  it('says which materials were added and which are no longer needed, and continues under the new version', async () => {
    const store = useIntakeStore();
    store.matters = [v(1)];
    store.draft = foodDraft([], { matterBase: base(v(1)) });
    await nextTick();
    const [dropped, ...kept] = FOOD.materials;
    store.matters = [v(2, [...kept, { id: 'new-proof', name: '新增证明', nameEn: 'New proof', core: true }])];
    await nextTick();
    expect(store.versionNotice).toMatchObject({ matterId: FOOD.id, to: 2, added: [{ id: 'new-proof' }], removed: [{ id: dropped!.id }] });
    expect(store.draft.matterBase?.version).toBe(2);
    expect(store.draft.matterBase?.materials.map((m) => m.id)).toContain('new-proof');
  });
});
