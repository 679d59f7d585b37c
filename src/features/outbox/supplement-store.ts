/**
 * 补正 and 容缺 fulfilment from the station device, offline if need be: pages captured for a submission are
 * kept in Dexie (a supplement draft survives reloads like an intake draft), then sent as one `supplement`
 * event into the station's PouchDB, which replication carries to the hall.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ulid } from 'ulid';
import { eventDocSchema, eventId, describeIssues, type PageRef } from '../../domain/documents';
import { CaptureError } from '../../capture/files';
import { db, getSetting, isQuotaError, putSetting } from '../../storage/db';
import { SETTING_KEYS } from '../../storage/keys';
import { useSessionStore } from '../../shared/stores/session';
import { useSyncStore } from '../../shared/stores/sync';
import { msg, rawMsg, type Msg } from '../../shared/i18n/messages';
import { captureMsg } from '../../shared/i18n/errors';
import { keepPage, releasePages, submitPages } from '../../shared/pages';

type SupplementDraft = Record<string, PageRef[]>;
const key = SETTING_KEYS.supplement;

export const useSupplementStore = defineStore('supplement', () => {
  const pages = ref<SupplementDraft>({});
  const busy = ref<Msg | null>(null);
  /** The supplement event written last, so the screen can follow it to the server. */
  const lastSent = ref<string | null>(null);
  let current = '';

  async function open(submissionId: string): Promise<void> {
    current = submissionId;
    lastSent.value = null;
    pages.value = (await getSetting<SupplementDraft>(key(submissionId))) ?? {};
  }

  /** Capture files as supplement pages of a material; returns why any were refused. */
  async function add(materialId: string, files: File[]): Promise<Msg[]> {
    const session = useSessionStore().session;
    if (!session?.station) return [];
    const errors: Msg[] = [];
    try {
      for (const [i, file] of files.entries()) {
        busy.value = msg('busy.processing', { counter: ` ${i + 1}/${files.length}` });
        try {
          const page = await keepPage(file, session.station);
          const list = pages.value[materialId] ?? [];
          if (!list.some((p) => p.sha256 === page.sha256)) list.push({ sha256: page.sha256, bytes: page.bytes, type: page.type });
          pages.value = { ...pages.value, [materialId]: list };
          await putSetting(key(current), JSON.parse(JSON.stringify(pages.value)));
        } catch (e) {
          errors.push(e instanceof CaptureError ? captureMsg(e.problem) : isQuotaError(e) ? msg('common.storageFull') : rawMsg((e as Error).message));
        }
      }
    } finally {
      busy.value = null;
    }
    return errors;
  }

  /** Take a page back: once the draft without it is saved, its bytes leave the device (unless held elsewhere). */
  async function remove(materialId: string, sha256: string): Promise<void> {
    pages.value = { ...pages.value, [materialId]: (pages.value[materialId] ?? []).filter((p) => p.sha256 !== sha256) };
    await putSetting(key(current), JSON.parse(JSON.stringify(pages.value)));
    await releasePages([sha256]).catch((e: unknown) => console.warn('supplement: could not free a removed page', e));
  }

  /** Write the supplement event; its pages become uploads. Returns why it was not written, or null. */
  async function send(submissionId: string, stationId: string): Promise<Msg | null> {
    const session = useSessionStore().session;
    const engine = useSyncStore().engine;
    if (!session || !engine) return msg('submission.notSignedIn');
    const items = Object.entries(pages.value)
      .filter(([, list]) => list.length)
      .map(([materialId, list]) => ({ materialId, pages: list }));
    if (!items.length) return msg('submission.captureFirst');
    const parsed = eventDocSchema.safeParse({
      _id: eventId(submissionId, ulid()),
      type: 'event',
      action: 'supplement',
      submissionId,
      stationId,
      actor: session.username,
      role: 'station',
      at: new Date().toISOString(),
      items,
    });
    if (!parsed.success) return rawMsg(describeIssues(parsed.error));
    try {
      await engine.write((local) => local.put(parsed.data));
      const hashes = items.flatMap((i) => i.pages.map((p) => p.sha256));
      await submitPages(hashes);
      await db.settings.delete(key(submissionId));
      pages.value = {};
      lastSent.value = parsed.data._id;
      engine.kick();
      return null;
    } catch (e) {
      return isQuotaError(e) ? msg('common.storageFull') : rawMsg((e as Error).message);
    }
  }

  return { pages, busy, lastSent, open, add, remove, send };
});
