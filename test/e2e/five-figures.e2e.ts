/**
 * The hall's own figures in the browser: a few submissions go through the hall (one delivered by post after
 * its 容缺 material came in, one corrected and collected at the counter at another station, one rejected);
 * the dashboard links to the 5×100 % figures for this month, per station and matter; a definition opens;
 * another period shows nothing; the CSV that downloads holds the numbers on screen.
 */
import { readFile } from 'node:fs/promises';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { EventDoc, SubmissionDoc } from '../../src/domain/documents';
import { chinaDay } from '../../src/domain/china-time';
import { makeJpeg, makePng, makeSubmission, pageRef, sessionCookieFrom, sha256Hex } from '../../sync-server/src/test-support';
import { useStage } from './support/fixtures';
import { FiveFiguresPage } from './pages/app';

type Who = 'station' | 'station2' | 'hall';
const STATION_OF = { station: 'jingan-hkri', station2: 'songshanhu-nanhuwan' } as const;

describe('the hall sees its own 5×100% figures', () => {
  const stage = useStage('five-figures');
  const { shot } = stage;

  it('after submissions went through the hall: figures, a definition, another period, the CSV', async () => {
    const { server } = stage;
    const cookies = {} as Record<Who, string>;
    for (const who of ['station', 'station2', 'hall'] as const) {
      const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: who, password: 'demo' }) });
      expect(res.status).toBe(200);
      cookies[who] = sessionCookieFrom(res.headers)!;
    }
    const call = async (who: Who, method: string, path: string, body?: unknown, type = 'application/json'): Promise<Response> =>
      fetch(`${server.url}${path}`, { method, headers: { cookie: cookies[who], 'content-type': type }, body: body instanceof Uint8Array ? Uint8Array.from(body) : body === undefined ? undefined : JSON.stringify(body) });
    const upload = async (who: Who, bytes: Uint8Array, type: 'image/png' | 'image/jpeg'): Promise<void> => {
      expect((await call(who, 'PUT', `/api/blobs/${sha256Hex(bytes)}`, bytes, type)).status).toBe(201);
    };
    const stationEvent = (sub: SubmissionDoc, action: 'submit' | 'supplement', extra: Record<string, unknown> = {}): EventDoc =>
      ({ _id: `event:${sub._id.slice(11)}:${ulid()}`, type: 'event', submissionId: sub._id, stationId: sub.stationId, actor: sub.createdBy, role: 'station', at: new Date().toISOString(), action, ...extra }) as EventDoc;
    const write = async (who: 'station' | 'station2', ...docs: (SubmissionDoc | EventDoc)[]): Promise<void> => {
      const res = await call(who, 'POST', `/sync/station-${STATION_OF[who]}/_bulk_docs`, { docs });
      expect(res.status).toBe(201);
    };
    const state = async (sub: SubmissionDoc): Promise<string> => ((await (await call('hall', 'GET', `/api/hall/submissions/${sub._id.slice(11)}`)).json()) as { item?: { state: string } }).item?.state ?? 'none';
    const takeIn = async (who: 'station' | 'station2'): Promise<SubmissionDoc> => {
      const png = makePng();
      await upload(who, png, 'image/png');
      const sub = makeSubmission({ stationId: STATION_OF[who], createdBy: who, pages: [pageRef(png, 'image/png')] });
      await write(who, sub, stationEvent(sub, 'submit'));
      await expect.poll(() => state(sub), { timeout: 30_000 }).toBe('received');
      return sub;
    };
    const decide = async (sub: SubmissionDoc, body: Record<string, unknown>): Promise<void> => {
      const res = await call('hall', 'POST', `/api/hall/submissions/${sub._id.slice(11)}/events`, body);
      expect(res.status, await res.clone().text()).toBe(201);
    };
    const supply = async (who: 'station' | 'station2', sub: SubmissionDoc, materialId: string, after: string): Promise<void> => {
      const jpeg = makeJpeg();
      await upload(who, jpeg, 'image/jpeg');
      await write(who, stationEvent(sub, 'supplement', { items: [{ materialId, pages: [pageRef(jpeg, 'image/jpeg')] }] }));
      await expect.poll(() => state(sub), { timeout: 30_000 }).toBe(after);
    };

    // One visit, no trip: accepted with its 容缺 loss statement owed, supplied, delivered by post.
    const byPost = await takeIn('station');
    await decide(byPost, { action: 'accept' });
    await decide(byPost, { action: 'approve' });
    await supply('station', byPost, 'loss-statement', 'approved');
    await decide(byPost, { action: 'issue' });
    await decide(byPost, { action: 'deliver', method: 'post', reference: 'SF1234567890' });
    // Corrected once at the other station, collected at the counter.
    const corrected = await takeIn('station2');
    await decide(corrected, { action: 'requestCorrection', reason: '申请书未签字', materialIds: ['reissue-application'] });
    await supply('station2', corrected, 'reissue-application', 'received');
    await decide(corrected, { action: 'accept' });
    await decide(corrected, { action: 'approve' });
    await supply('station2', corrected, 'loss-statement', 'approved');
    await decide(corrected, { action: 'issue' });
    await decide(corrected, { action: 'deliver', method: 'pickup', reference: '窗口自取' });
    // Rejected.
    const rejected = await takeIn('station');
    await decide(rejected, { action: 'reject', reason: '不属于本厅受理范围' });

    // The hall officer goes from the dashboard to the figures: this month by default.
    const { page, errors } = await stage.signedIn('hall', { viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/hall/dashboard`);
    await page.getByTestId('five-figures-link').click();
    await page.waitForURL((u) => u.pathname === '/hall/figures');
    const figures = new FiveFiguresPage(page);
    const today = chinaDay();
    await expect.poll(() => figures.shownPeriod()).toBe(`${today.slice(0, 8)}01/${today}`);
    expect(await figures.value('oneNumber')).toBe('100.0%');
    expect(await figures.value('oneWindow')).toBe('100.0%');
    expect(await figures.value('oneNet')).toBe('100.0%');
    expect(await figures.value('oneVisit')).toBe('50.0%'); // of the two delivered, one never corrected
    expect(await figures.value('sunshine')).toBe('0.0%'); // neither rated yet
    expect(await figures.value('zeroTrip')).toBe('50.0%');
    expect(await figures.value('deficientShare')).toBe('100.0%'); // both accepted ones owed a 容缺 material
    expect(await figures.value('visitsSaved')).toBe('3'); // two 容缺 acceptances, one posted
    expect(await figures.rows('station')).toHaveLength(2);
    const matters = await figures.rows('matter');
    expect(matters.map((r) => r.slice(0, 2))).toEqual([['营业执照补办', '3']]);

    // A definition is one click away.
    await expect.poll(() => figures.definition('oneVisit').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await figures.openDefinition('oneVisit');
    await expect.poll(() => figures.definition('oneVisit').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await figures.definition('oneVisit').locator('p').textContent()).toContain('补正');
    await shot(page, 'figures-this-month');

    // The CSV holds what the screen shows: the total line and one line per station and matter.
    const shown = await figures.values();
    const stationRows = await figures.rows('station');
    const [download] = await Promise.all([page.waitForEvent('download'), figures.exportCsv().click()]);
    expect(download.suggestedFilename()).toBe(`figures-${today.slice(0, 8)}01-${today}.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trimEnd().split('\r\n').map((l) => l.slice(1, -1).split('","'));
    const header = lines[0]!;
    const total = lines[1]!;
    expect(total[0]).toBe('合计');
    expect(total[2]).toBe('3');
    for (const [id, text] of shown) {
      const name = await figures.card(id).locator('span').nth(1).evaluate((s) => s.firstChild?.textContent?.trim() ?? '');
      expect(total[header.indexOf(name)], id).toBe(text);
    }
    const csvStations = lines.filter((l) => l[0] === '站点').map((l) => [l[1], ...l.slice(2)]);
    expect(csvStations).toEqual(stationRows);

    // Another period: nothing received, nothing measured.
    await figures.setPeriod('2020-01-01', '2020-01-31');
    await expect.poll(() => figures.shownPeriod()).toBe('2020-01-01/2020-01-31');
    expect(await figures.value('oneVisit')).toBe('—');
    expect(await figures.value('visitsSaved')).toBe('0');
    expect(await figures.rows('station')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
