/**
 * 秒批 end to end: an eligible matter (个体工商户设立登记) with every core material and no 容缺 is approved by
 * the server on receipt, with the rule outcomes in the timeline; one that fails a rule stays with a person,
 * and the hall sees why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import type { SubmissionDoc } from '../../src/domain/documents';
import { DEMO_MATTERS } from './demo/catalog';
import { asArray, asRecord, makeEvent, makePng, makeSubmission, pageRef, sha256Hex, STATION_DB, startTestServer, waitFor, type TestServer } from './test-support';

let t: TestServer;
const matter = DEMO_MATTERS.find((m) => m.id === 'individual-business-registration')!;

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'hall']);
});
afterAll(async () => {
  await t?.close();
});

/** A submission of the eligible matter; `omit` leaves a material out, `deficient` marks a non-core one 容缺. */
async function submit(opts: { omit?: string; deficient?: string }): Promise<SubmissionDoc> {
  const png = makePng(3 + Math.floor(Math.random() * 50));
  const r = await t.as('station', 'PUT', `/api/blobs/${sha256Hex(png)}`, { body: png, headers: { 'content-type': 'image/png' } });
  expect([200, 201]).toContain(r.status);
  const page = pageRef(png, 'image/png');
  const base = makeSubmission({ pages: [page] });
  const sub: SubmissionDoc = {
    ...base,
    _id: `submission:${ulid()}`,
    matterId: matter.id,
    matterName: matter.name,
    items: matter.materials
      .filter((m) => m.id !== opts.omit)
      .map((m) =>
        m.id === opts.deficient
          ? { materialId: m.id, name: m.name, core: m.core, status: 'deficient' as const, pages: [], commitment: { dueDate: '2099-01-01', text: matter.commitmentText } }
          : { materialId: m.id, name: m.name, core: m.core, status: 'provided' as const, pages: [page] },
      ),
  };
  const w = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub, makeEvent(sub)] } });
  expect(w.status).toBe(201);
  return sub;
}

async function record(sub: SubmissionDoc): Promise<Record<string, unknown>> {
  const r = await t.as('hall', 'GET', `/api/hall/submissions/${sub._id.slice('submission:'.length)}`);
  return r.status === 200 ? asRecord(r.json) : {};
}

describe('秒批 auto-approval', () => {
  it('the demo catalog marks 个体工商户设立登记 eligible', () => {
    expect(matter.autoApproval?.rules.length).toBeGreaterThan(0);
  });

  it('approves a complete submission on receipt and records every rule outcome', async () => {
    const sub = await submit({});
    const rec = await waitFor('auto-approved', async () => {
      const r = await record(sub);
      return (r.status as { state?: string } | undefined)?.state === 'approved' ? r : undefined;
    });
    const timeline = asArray(rec.timeline).map((x) => asRecord(asRecord(x).event));
    const auto = timeline.find((e) => e.action === 'autoApprove');
    expect(auto).toMatchObject({ role: 'system', actor: 'sync-server' });
    const rules = asArray(auto?.rules).map(asRecord);
    expect(rules.map((r) => r.rule)).toEqual(['allCorePresent', 'noDeficiency', 'validCodes', 'maxPagesPerMaterial']);
    expect(rules.every((r) => r.ok === true)).toBe(true);
    // The device learns of it by replication: the event is in the station database.
    const docs = await t.server.store.allDocs(STATION_DB, { startkey: `event:${sub._id.slice(11)}:`, endkey: `event:${sub._id.slice(11)}:\ufff0`, include_docs: true });
    expect(docs.rows.some((row) => (row.doc as { action?: string } | null)?.action === 'autoApprove')).toBe(true);
  });

  for (const [name, opts, reason] of [
    ['a missing core material', { omit: 'operator-id' }, '缺核心材料'],
    ['a 容缺 material', { deficient: matter.materials.find((m) => !m.core)!.id }, '有容缺'],
  ] as const) {
    it(`routes ${name} to a person, with the reason`, async () => {
      const sub = await submit(opts);
      const rec = await waitFor('received', async () => {
        const r = await record(sub);
        return (r.status as { state?: string } | undefined)?.state === 'received' ? r : undefined;
      });
      // Give the feeder a moment in which it could (wrongly) approve.
      await new Promise((r) => setTimeout(r, 500));
      expect(asRecord((await record(sub)).status).state).toBe('received');
      const outcome = asRecord(asRecord(rec.item).autoApproval);
      expect(outcome.passed).toBe(false);
      expect(JSON.stringify(outcome.outcomes)).toContain(reason);
    });
  }
});
