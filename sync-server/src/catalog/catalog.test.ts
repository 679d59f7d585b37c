/**
 * Catalog authoring over HTTP on the real server: publish a whole catalog or one matter as the next version,
 * refuse a bad one with every reason and nothing written, retire, history snapshots, the permission guard, and
 * the hall record showing the materials of the version a submission was taken under.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogMeta, MatterDoc } from '../../../src/domain/catalog';
import type { CatalogPublished, CatalogRefusal, CatalogFile, HallRecord } from '../../../src/domain/api-contract';
import { asRecord, makeEvent, makeSubmission, STATION_DB, startTestServer, waitFor, type TestServer } from '../test-support';
import { seededMatters } from '../demo/seed';

let t: TestServer;

beforeAll(async () => {
  // The district-size catalog: export, import and publish at the size a district's hall works with.
  t = await startTestServer({ demoCatalog: 'district' }, ['station', 'hall', 'admin']);
});

afterAll(async () => {
  await t?.close();
});

const meta = (): Promise<CatalogMeta | undefined> => t.server.store.get<CatalogMeta>('catalog', 'catalog:meta');
const stored = (id: string): Promise<MatterDoc | undefined> => t.server.store.get<MatterDoc>('catalog', `matter:${id}`);
async function revisions(): Promise<Record<string, string>> {
  const { rows } = await t.server.store.allDocs<MatterDoc>('catalog', {});
  return Object.fromEntries(rows.map((r) => [r.id, r.value?.rev ?? '']));
}
type Exported = Omit<CatalogFile, 'matters'> & { matters: MatterDoc[] };
const exported = async (): Promise<Exported> => (await t.as('admin', 'GET', '/api/admin/catalog')).json as Exported;

/** A small new matter, as an author writes it (no _id, type, version). */
const newMatter = (id: string): Record<string, unknown> => ({
  id,
  name: '户外广告设施设置审批',
  nameEn: 'Approval of outdoor advertising facilities',
  initials: 'hwggsssspp',
  keywords: ['广告牌'],
  legalDays: 20,
  promisedDays: 5,
  commitmentText: '申请人承诺：所缺材料将于约定期限内补齐。',
  guide: { applicants: '企业', conditions: [], legalBasis: ['《城市市容和环境卫生管理条例》'], fees: '不收费', resultDelivery: ['窗口自取'] },
  questions: [{ id: 'lit', text: '是否为发光广告？', textEn: 'Is it illuminated?', options: [{ value: 'yes', label: '是', labelEn: 'Yes' }, { value: 'no', label: '否', labelEn: 'No' }] }],
  materials: [
    { id: 'application', name: '申请表', nameEn: 'Application form', core: true, pages: 1 },
    { id: 'electrical', name: '电气安全检测报告', nameEn: 'Electrical safety report', core: false, when: { question: 'lit', equals: 'yes' } },
  ],
  autoApproval: { rules: [{ kind: 'allCorePresent' }, { kind: 'answerIn', question: 'lit', values: ['no'] }] },
});

describe('GET /api/admin/catalog', () => {
  it('answers the published catalog as one versioned file', async () => {
    const file = await exported();
    expect(file).toMatchObject({ format: 'lxe-catalog', formatVersion: 1, version: 1 });
    expect(file.matters.map((m) => m.id).sort()).toEqual(seededMatters(t.demoCatalog).map((m) => m.id).sort());
    expect(file.matters.every((m) => m._rev === undefined)).toBe(true);
  });
});

describe('the guard', () => {
  it('refuses station staff, and a hall officer without the catalog permission; lets one with it in', async () => {
    expect((await t.as('station', 'GET', '/api/admin/catalog')).status).toBe(403);
    expect((await t.as(undefined, 'GET', '/api/admin/catalog')).status).toBe(401);
    expect((await t.as('hall', 'GET', '/api/admin/catalog')).status).toBe(403);
    // Granted by an admin; applies at the next request, without signing in again.
    const grant = await t.as('admin', 'PUT', '/api/admin/accounts/hall/permissions', { body: { permissions: ['catalog'] } });
    expect(grant.status, grant.text).toBe(200);
    expect(asRecord(asRecord(grant.json).account).permissions).toEqual(['catalog']);
    expect((await t.as('hall', 'GET', '/api/admin/catalog')).status).toBe(200);
    // Only hall accounts take permissions, and only an admin grants them.
    expect((await t.as('admin', 'PUT', '/api/admin/accounts/station/permissions', { body: { permissions: ['catalog'] } })).status).toBe(400);
    expect((await t.as('hall', 'PUT', '/api/admin/accounts/hall/permissions', { body: { permissions: [] } })).status).toBe(403);
    // The session answer tells the UI after the next sign-in.
    const { reply } = await t.signIn('hall');
    expect(asRecord(reply.json).permissions).toEqual(['catalog']);
  });
});

describe('PUT /api/admin/catalog', () => {
  it('refuses a bad catalog with every reason, and publishes nothing', async () => {
    const before = await revisions();
    const file = await exported();
    const broken = structuredClone(file.matters);
    broken[0]!.promisedDays = broken[0]!.legalDays + 1; // promised beyond legal
    (broken[1] as Partial<MatterDoc>).nameEn = ''; // empty English name
    broken[2]!.materials[0]!.when = { question: 'nope', equals: 'yes' }; // unknown question
    const reply = await t.as('hall', 'PUT', '/api/admin/catalog', { body: { ...file, matters: [...broken, newMatter('outdoor-ads')] } });
    expect(reply.status).toBe(400);
    const refusal = reply.json as CatalogRefusal;
    expect(refusal.error).toBe('invalid_catalog');
    const paths = refusal.problems.map((p) => p.path);
    expect(paths).toContain('matters.0.promisedDays');
    expect(paths).toContain('matters.1.nameEn');
    expect(paths).toContain('matters.2.materials.0.when.question');
    expect(await revisions()).toEqual(before);
    expect((await meta())?.version).toBe(1);
  });

  it('refuses a file that is not a catalog file', async () => {
    const reply = await t.as('hall', 'PUT', '/api/admin/catalog', { body: { matters: [] } });
    expect(reply.status).toBe(400);
    expect((reply.json as CatalogRefusal).problems.map((p) => p.path)).toEqual(expect.arrayContaining(['format', 'formatVersion', 'matters']));
  });

  it('refuses a 秒批 rule on an unknown option, and answers that leave no material', async () => {
    const bad = newMatter('bad-matter');
    bad.autoApproval = { rules: [{ kind: 'answerIn', question: 'lit', values: ['maybe'] }] };
    bad.materials = [{ id: 'only', name: '仅发光时', nameEn: 'Only if lit', core: true, when: { question: 'lit', equals: 'yes' } }];
    const reply = await t.as('hall', 'PUT', '/api/admin/catalog/matters/bad-matter', { body: bad });
    expect(reply.status).toBe(400);
    const paths = (reply.json as CatalogRefusal).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['autoApproval.rules.0.values.0', 'materials']));
    expect(await stored('bad-matter')).toBeUndefined();
  });

  it('publishes the next version: changed and new matters rewritten, unchanged ones kept, absent ones retired', async () => {
    const before = await revisions();
    const file = await exported();
    const [first, retiredOne, ...rest] = file.matters;
    const edited = { ...first!, keywords: [...first!.keywords, '大厅新增关键词'] };
    const reply = await t.as('hall', 'PUT', '/api/admin/catalog', { body: { ...file, matters: [edited, ...rest, newMatter('outdoor-ads')] } });
    expect(reply.status, reply.text).toBe(200);
    const published = reply.json as CatalogPublished;
    expect(published.version).toBe(2);
    expect(published.changed.sort()).toEqual([first!.id, 'outdoor-ads'].sort());
    expect(published.retired).toEqual([retiredOne!.id]);
    expect(published.unchanged).toBe(rest.length);

    const after = await revisions();
    for (const m of rest) expect(after[`matter:${m.id}`], m.id).toBe(before[`matter:${m.id}`]);
    expect(await stored('outdoor-ads')).toMatchObject({ version: 2, _id: 'matter:outdoor-ads', type: 'matter' });
    expect(await stored(retiredOne!.id)).toMatchObject({ retired: true, version: 2 });
    expect(await meta()).toMatchObject({ version: 2, publishedBy: 'hall' });
    expect(await t.server.store.get('catalog-history', 'matter:outdoor-ads:2')).toMatchObject({ id: 'outdoor-ads', version: 2 });
    // The retired matter stays out of the export, and comes back with ?retired=1.
    expect((await exported()).matters.some((m) => m.id === retiredOne!.id)).toBe(false);
    const withRetired = asRecord((await t.as('admin', 'GET', '/api/admin/catalog?retired=1')).json);
    expect((withRetired.retired as MatterDoc[]).map((m) => m.id)).toEqual([retiredOne!.id]);

    // The same file again changes nothing and makes no version.
    const again = await t.as('hall', 'PUT', '/api/admin/catalog', { body: { ...file, matters: [edited, ...rest, newMatter('outdoor-ads')] } });
    expect(again.json).toMatchObject({ version: 2, changed: [], retired: [] });
    expect(await revisions()).toEqual(after);
  });

  it('audits each publish', async () => {
    await t.server.auditSink.flush();
    const { rows } = await t.server.store.allDocs<Record<string, unknown>>('lxe-audit', { include_docs: true });
    const actions = rows.map((r) => r.doc).filter((d) => d?.audit === 'catalog');
    expect(actions.some((d) => d?.action === 'publishCatalog' && d.by === 'hall' && d.version === 2)).toBe(true);
    expect(actions.some((d) => d?.outcome === 'refused')).toBe(true);
  });
});

describe('one matter', () => {
  it('publishes, retires and brings back a matter, one version each', async () => {
    const start = (await meta())!.version;
    const m = { ...newMatter('outdoor-ads'), promisedDays: 3 };
    const put = await t.as('hall', 'PUT', '/api/admin/catalog/matters/outdoor-ads', { body: m });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ version: start + 1, changed: ['outdoor-ads'] });
    expect((await stored('outdoor-ads'))?.promisedDays).toBe(3);

    expect((await t.as('hall', 'PUT', '/api/admin/catalog/matters/other-id', { body: m })).status).toBe(400);

    const retire = await t.as('hall', 'POST', '/api/admin/catalog/matters/outdoor-ads/retire');
    expect(retire.json).toMatchObject({ version: start + 2, retired: ['outdoor-ads'] });
    expect((await stored('outdoor-ads'))?.retired).toBe(true);
    expect((await t.as('hall', 'POST', '/api/admin/catalog/matters/no-such/retire')).status).toBe(400);

    const back = await t.as('hall', 'PUT', '/api/admin/catalog/matters/outdoor-ads', { body: m });
    expect(back.json).toMatchObject({ version: start + 3, changed: ['outdoor-ads'] });
    expect((await stored('outdoor-ads'))?.retired).toBeUndefined();
  });
});

describe('the hall record', () => {
  it('shows the materials of the version the submission was taken under, not the current ones', async () => {
    const matter = (await stored('licence-reissue'))!;
    const sub = { ...makeSubmission(), matterVersion: matter.version };
    const w = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub, makeEvent(sub, { action: 'submit' })] } });
    expect(w.status, w.text).toBe(201);
    const id = sub._id.slice('submission:'.length);
    await waitFor('projection', async () => ((await t.as('hall', 'GET', `/api/hall/submissions/${id}`)).status === 200 ? true : undefined));

    const added = { ...matter, materials: [...matter.materials, { id: 'extra-proof', name: '新增证明', nameEn: 'New proof', core: false }] };
    const put = await t.as('admin', 'PUT', '/api/admin/catalog/matters/licence-reissue', { body: added });
    expect(put.status, put.text).toBe(200);

    const record = (await t.as('hall', 'GET', `/api/hall/submissions/${id}`)).json as HallRecord;
    expect(record.matter?.version).toBe(matter.version);
    expect(record.matter?.materials?.map((m) => m.id)).toEqual(matter.materials.map((m) => m.id));

    // An older submission (no version) shows the current materials.
    const { matterVersion: _v, ...old } = { ...makeSubmission() };
    await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [old, makeEvent(old, { action: 'submit' })] } });
    const oldId = old._id.slice('submission:'.length);
    const oldRecord = await waitFor('projection', async () => {
      const r = await t.as('hall', 'GET', `/api/hall/submissions/${oldId}`);
      return r.status === 200 ? (r.json as HallRecord) : undefined;
    });
    expect(oldRecord.matter?.materials?.map((m) => m.id)).toContain('extra-proof');
  });
});
