/**
 * The intake in progress. The draft autosaves to Dexie on every change (it survives reloads, crashes and
 * going offline); submitting turns it into the immutable submission and its `submit` event in one
 * `bulkDocs` into PouchDB, after which its pages become `pending` uploads.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import { ulid } from 'ulid';
// Rules and helpers without zod: the schemas (the validator) load on demand, after the screen is up.
import { answerIssues, deriveChecklist } from '../../domain/catalog-rules';
import type { MatterDoc } from '../../domain/catalog';
import { eventId, isValidContactPhone } from '../../domain/document-rules';
import type { EventDoc, SubmissionDoc } from '../../domain/documents';
import { explainIdNumber, explainUscc, isValidUscc, normaliseIdNumber, normaliseUscc, type IdProblem } from '../../domain/ids';
import { CaptureError } from '../../capture/files';
import type { Draft } from '../../storage/db';
import { loadDb, readSettingFirst, stationDraftsFirst } from '../../storage/device-db';
import { isQuotaError, isStorageUnavailable } from '../../storage/errors';
import { SETTING_KEYS } from '../../storage/keys';
import { hashesOf } from '../../storage/draft-hashes';
import type { SyncEngine } from '../../sync/sync-engine';
import type { ProfileField } from '../../storage/enterprises';
import { useSessionStore } from '../../shared/stores/session';
import { useSyncStore } from '../../shared/stores/sync';
import { msg, rawMsg, type Bilingual, type Msg } from '../../shared/i18n/messages';
import { captureMsg } from '../../shared/i18n/errors';
import { keepPage, keepSignature, releasePages } from '../../shared/pages';
import { chinaDay } from '../../domain/china-time';
import { loadCalendarYears, loadMatters } from '../../shared/catalog';
import { baseOf, versionChange, type VersionChange } from './version-change';

/** What keeps a draft from being submitted, per field, as messages the view words in its language. */
export interface FieldErrors {
  matter?: Msg;
  uscc?: Msg;
  enterpriseName?: Msg;
  contactPhone?: Msg;
  applicantName?: Msg;
  idNumber?: Msg;
  pages?: Msg;
  deficient?: Msg;
  answers?: Msg;
}

/** Non-core materials marked 容缺 and without pages (pages win: a material that was brought is provided). */
export function deficientMaterials(d: Draft, m: MatterDoc): MatterDoc['materials'] {
  return deriveChecklist(m, d.answers).materials.filter((mat) => !mat.core && d.deficient[mat.id] !== undefined && !d.pages[mat.id]?.length);
}

const STORAGE_FULL = msg('intakeError.storageFull');
const STORAGE_UNAVAILABLE = msg('intakeError.storageUnavailable');
/** What staff are told when the device's storage refused a write: full, or (after a failure) not yet reopened. */
const storageProblem = (e: unknown): Msg | null => (isQuotaError(e) ? STORAGE_FULL : isStorageUnavailable(e) ? STORAGE_UNAVAILABLE : null);
/** Settings key of the last validated catalog, for a fast first screen. */
const CATALOG_SNAPSHOT = SETTING_KEYS.catalogSnapshot;

/** A USCC or ID number problem from the domain's validators, as a message naming the field. */
export function describeIdProblem(field: 'uscc' | 'idNumber', p: IdProblem): Msg {
  const name = msg(`idField.${field}`);
  switch (p.kind) {
    case 'length':
      return msg('idProblem.length', { field: name });
    case 'character':
      return msg('idProblem.character', { field: name, position: (p.position ?? 0) + 1 });
    case 'region':
      return msg('idProblem.region', { field: name });
    case 'birthDate':
      return msg('idProblem.birthDate', { field: name });
    case 'orgCode':
      return msg('idProblem.orgCode', { field: name });
    case 'checkDigit':
      // Never the "right" check character: a typo anywhere shows up here, and typing it would make a wrong code pass.
      return msg('idProblem.checkDigit', { field: name });
  }
}

// Dexie and what builds on it load after the first screen is drawn (which reads through `storage/device-db`).
const drafts = () => import('../../storage/drafts');
const enterprises = () => import('../../storage/enterprises');

const nameOf = (m: { name: string; nameEn: string }): Bilingual => ({ zh: m.name, en: m.nameEn });

function emptyDraft(stationId: string): Draft {
  const now = new Date().toISOString();
  return { id: ulid(), stationId, matterId: '', uscc: '', enterpriseName: '', enterpriseAddress: '', legalRepresentative: '', contactName: '', contactPhone: '', applicantName: '', idNumber: '', pages: {}, deficient: {}, signature: null, answers: {}, createdAt: now, updatedAt: now };
}

export const useIntakeStore = defineStore('intake', () => {
  const draft = ref<Draft | null>(null);
  // Catalog documents are immutable and replaced as a whole: no deep reactivity (cheaper at start).
  const matters = shallowRef<MatterDoc[]>([]);
  const saveError = ref<Msg | null>(null);
  /** What the store is busy with (processing photos), shown as a status; null when idle. */
  const busy = ref<Msg | null>(null);
  /** 一次采集: the profile fields just filled in from this enterprise's last intake (for the view to say so). */
  const prefilled = ref<ProfileField[]>([]);
  /** The matter of the open draft got a new catalog version: what changed (the draft continues under it). */
  const versionNotice = ref<VersionChange | null>(null);
  let saving: Promise<void> = Promise.resolve();
  /** Per draft, the blobs its last saved version refers to: what the next save drops may be freed. */
  const savedHashes = new Map<string, Set<string>>();

  /**
   * The catalog: from the snapshot in Dexie at once (the first screen needs no PouchDB and no validator), then,
   * once the sync engine is loaded, from the replicated `catalog` database, validated, and kept as the next
   * snapshot.
   */
  async function loadCatalog(): Promise<void> {
    const engine = useSyncStore().engine;
    if (!engine) {
      const snapshot = await readSettingFirst<MatterDoc[]>(CATALOG_SNAPSHOT);
      if (snapshot?.length && !matters.value.length) matters.value = snapshot;
      return;
    }
    void applyCalendarYears(engine);
    const fresh = await loadMatters(engine);
    if (!fresh.length) return; // not replicated yet: keep what the snapshot gave
    matters.value = fresh;
    await loadDb()
      .then(({ putSetting }) => putSetting(CATALOG_SNAPSHOT, fresh))
      .catch(() => undefined); // a full disk only costs the next start's speed
  }

  /**
   * The years the hall loaded (replicated with the catalog) for every date the intake counts (the 容缺 default).
   * The holiday data is loaded only when there are such years; otherwise it waits until a date is counted.
   */
  async function applyCalendarYears(engine: SyncEngine): Promise<void> {
    const years = await loadCalendarYears(engine);
    if (years.length) (await import('../../domain/calendar')).useCalendarYears(years);
  }

  /** Resume the newest draft of this station, or start one (from the device database alone: no sync engine needed). */
  async function open(stationId: string, draftId?: string): Promise<void> {
    const saved = await stationDraftsFirst(stationId);
    const latest = (draftId ? saved.find((d) => d.id === draftId) : undefined) ?? saved.at(-1);
    // Drafts saved by an older version lack newer fields: fill them in rather than fail.
    if (latest) savedHashes.set(latest.id, new Set(hashesOf(latest)));
    draft.value = latest ? { ...emptyDraft(stationId), ...latest } : emptyDraft(stationId);
  }

  /**
   * Once the sync engine is loaded: a crash between writing a submission's documents and clearing its draft
   * left the draft behind; finish that submit now, and if it was the open draft, move on to the next.
   */
  async function recover(stationId: string): Promise<void> {
    const engine = useSyncStore().engine;
    if (!engine) return;
    const finished = await (await drafts()).finishInterruptedSubmits(stationId, (id) => stored(engine, id).then(Boolean));
    if (draft.value && finished.includes(draft.value.id)) await open(stationId);
  }

  async function save(): Promise<void> {
    const current = draft.value;
    if (!current) return;
    // A fresh, untouched draft is not worth a row in the outbox.
    const empty = !current.matterId && !current.uscc && !current.enterpriseName && !current.applicantName && !current.idNumber && !Object.values(current.pages).some((list) => list.length) && !current.signature && !Object.keys(current.answers).length;
    if (empty) {
      // Emptied after it was saved (its last page removed…): the saved row would bring the old content back.
      if (!savedHashes.has(current.id)) return;
      savedHashes.delete(current.id);
      saving = saving.then(() =>
        drafts()
          .then(({ deleteDraft }) => deleteDraft(current.id))
          .catch(() => undefined),
      );
      return saving;
    }
    saving = saving.then(async () => {
      try {
        const snapshot = JSON.parse(JSON.stringify({ ...current, updatedAt: new Date().toISOString() })) as Draft;
        const { db, storageHealth } = await loadDb();
        await storageHealth.retrying(() => db.drafts.put(snapshot));
        saveError.value = null;
        // Bytes of pages this draft no longer has are freed once the draft without them is saved (not before:
        // a failed save keeps the saved draft, which still needs them).
        const now = new Set(hashesOf(snapshot));
        const before = savedHashes.get(snapshot.id);
        savedHashes.set(snapshot.id, now);
        const dropped = before ? [...before].filter((h) => !now.has(h)) : [];
        await releasePages(dropped).catch((e: unknown) => console.warn('intake: could not free dropped pages', e));
      } catch (e) {
        saveError.value = storageProblem(e) ?? msg('intakeError.draftNotSaved', { reason: (e as Error).message });
      }
    });
    return saving;
  }

  watch(draft, () => void save(), { deep: true });

  /**
   * 一次采集: as soon as the draft holds a valid USCC, fill its empty enterprise fields from the profile kept
   * on this device (staff may still change them). Returns the fields filled.
   */
  async function prefillEnterprise(): Promise<ProfileField[]> {
    const current = draft.value;
    if (!current) return [];
    const uscc = normaliseUscc(current.uscc);
    if (!isValidUscc(uscc)) return [];
    const { getEnterpriseProfile, prefillDraft } = await enterprises();
    const profile = await getEnterpriseProfile(uscc).catch(() => undefined);
    // The draft or its USCC may have changed while the profile was read.
    if (!profile || draft.value !== current || normaliseUscc(current.uscc) !== uscc) return [];
    const filled = prefillDraft(current, profile);
    prefilled.value = filled;
    return filled;
  }

  watch(
    () => (draft.value ? `${draft.value.id}|${normaliseUscc(draft.value.uscc)}` : ''),
    () => {
      prefilled.value = [];
      void prefillEnterprise();
    },
  );

  const matter = (): MatterDoc | undefined => matters.value.find((m) => m.id === draft.value?.matterId);

  /** Remember the matter version the draft is taken under; when a newer one arrived, say what changed and move on to it. */
  function reconcileVersion(): void {
    const d = draft.value;
    const m = matter();
    if (!d || !m) return;
    const change = versionChange(d.matterBase, m);
    if (change) versionNotice.value = change;
    if (!d.matterBase || d.matterBase.matterId !== m.id || d.matterBase.version !== m.version) d.matterBase = baseOf(m);
  }
  watch(() => draft.value?.id, () => (versionNotice.value = null));
  watch([() => draft.value?.id, () => draft.value?.matterId, matters], reconcileVersion);

  /** Capture files as pages of a material; returns why any were refused. */
  async function addPages(materialId: string, files: File[]): Promise<Msg[]> {
    const current = draft.value;
    if (!current) return [];
    const errors: Msg[] = [];
    try {
      for (const [i, file] of files.entries()) {
        const counter = files.length > 1 ? ` ${i + 1}/${files.length}` : '';
        busy.value = msg('busy.processing', { counter });
        try {
          const page = await keepPage(file, current.stationId, (stage) => (busy.value = msg(`busy.${stage}`, { counter })));
          const list = current.pages[materialId] ?? [];
          if (!list.some((p) => p.sha256 === page.sha256)) list.push(page);
          current.pages[materialId] = list;
        } catch (e) {
          errors.push(e instanceof CaptureError ? captureMsg(e.problem) : storageProblem(e) ?? msg('intakeError.file', { name: file.name, reason: (e as Error).message }));
        }
      }
    } finally {
      busy.value = null;
    }
    return errors;
  }

  /** Keep the applicant's signature with the draft; returns why it could not be kept, or null. */
  async function sign(png: Blob): Promise<Msg | null> {
    const current = draft.value;
    if (!current) return null;
    try {
      current.signature = await keepSignature(png, current.stationId);
      return null;
    } catch (e) {
      return e instanceof CaptureError ? captureMsg(e.problem) : storageProblem(e) ?? rawMsg((e as Error).message);
    }
  }

  /** Throw away the current draft (the caller has asked for confirmation) and start a new one. */
  async function discard(): Promise<void> {
    const current = draft.value;
    if (!current) return;
    draft.value = emptyDraft(current.stationId);
    await (await drafts()).deleteDraft(current.id);
  }

  /** Move a page one place earlier (-1) or later (+1); the order is the order of pages in the submission. */
  function movePage(materialId: string, sha256: string, delta: -1 | 1): void {
    const list = draft.value?.pages[materialId];
    if (!list) return;
    const from = list.findIndex((p) => p.sha256 === sha256);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= list.length) return;
    const [page] = list.splice(from, 1);
    if (page) list.splice(to, 0, page);
  }

  /** Replace a page in place with a new capture of `file`; returns why it was refused (the old page stays then). */
  async function retakePage(materialId: string, sha256: string, file: File): Promise<Msg[]> {
    const current = draft.value;
    if (!current) return [];
    busy.value = msg('busy.processing', { counter: '' });
    try {
      const replacement = await keepPage(file, current.stationId, (stage) => (busy.value = msg(`busy.${stage}`, { counter: '' })));
      const list = current.pages[materialId] ?? [];
      const at = list.findIndex((p) => p.sha256 === sha256);
      // The same bytes elsewhere in the list would be a duplicate: keep the one at the retaken place.
      const rest = list.filter((p, i) => i === at || p.sha256 !== replacement.sha256);
      const place = rest.findIndex((p) => p.sha256 === sha256);
      if (place < 0) rest.push(replacement);
      else rest.splice(place, 1, replacement);
      current.pages[materialId] = rest;
      return [];
    } catch (e) {
      return [e instanceof CaptureError ? captureMsg(e.problem) : storageProblem(e) ?? msg('intakeError.file', { name: file.name, reason: (e as Error).message })];
    } finally {
      busy.value = null;
    }
  }

  function removePage(materialId: string, sha256: string): void {
    const current = draft.value;
    if (!current) return;
    current.pages[materialId] = (current.pages[materialId] ?? []).filter((p) => p.sha256 !== sha256);
  }

  function validate(): FieldErrors {
    const d = draft.value;
    const errors: FieldErrors = {};
    if (!d) return { matter: msg('intakeError.noDraft') };
    const m = matter();
    if (!m) errors.matter = msg('intakeError.chooseMatter');
    const usccProblem = explainUscc(normaliseUscc(d.uscc));
    if (usccProblem) errors.uscc = describeIdProblem('uscc', usccProblem);
    if (!d.enterpriseName.trim()) errors.enterpriseName = msg('intakeError.enterpriseName');
    const phone = d.contactPhone?.trim();
    if (phone && !isValidContactPhone(phone)) errors.contactPhone = msg('intakeError.contactPhone');
    if (!d.applicantName.trim()) errors.applicantName = msg('intakeError.applicantName');
    const idProblem = explainIdNumber(normaliseIdNumber(d.idNumber));
    if (idProblem) errors.idNumber = describeIdProblem('idNumber', idProblem);
    if (m) {
      const checklist = deriveChecklist(m, d.answers);
      const issues = answerIssues(m, d.answers);
      const unanswered = checklist.questions.filter((q) => checklist.unanswered.includes(q.id));
      const firstIssue = issues[0];
      if (unanswered.length) errors.answers = msg('intakeError.answerQuestions', { names: unanswered.map((q) => ({ zh: q.text, en: q.textEn })) });
      else if (firstIssue) {
        errors.answers =
          firstIssue.kind === 'invalidOption'
            ? msg('intakeError.invalidOption', { question: firstIssue.question, value: firstIssue.value, expected: firstIssue.expected })
            : msg('intakeError.unknownQuestion', { question: firstIssue.question });
      }
      const missing = checklist.materials.filter((mat) => !d.pages[mat.id]?.length && !(d.deficient[mat.id] !== undefined && !mat.core));
      if (missing.length) errors.pages = msg('intakeError.missingPages', { names: missing.map(nameOf) });
      const tomorrow = chinaDay(1);
      const badDates = checklist.materials.filter((mat) => d.deficient[mat.id] !== undefined && !d.pages[mat.id]?.length && !(d.deficient[mat.id]! >= tomorrow));
      if (badDates.length) errors.deficient = msg('intakeError.dueAfterToday', { names: badDates.map(nameOf) });
      else if (deficientMaterials(d, m).length && !d.signature) errors.deficient = msg('intakeError.signCommitment');
    }
    return errors;
  }

  /** Submit the draft. Returns the submission, or field errors and nothing written. */
  async function submit(): Promise<{ ok: true; submission: SubmissionDoc } | { ok: false; errors: FieldErrors }> {
    const errors = validate();
    const d = draft.value;
    const m = matter();
    const session = useSessionStore().session;
    const engine = useSyncStore().engine;
    if (Object.keys(errors).length || !d || !m || !session || !engine) return { ok: false, errors };
    await saving;
    // Submitted before (a tab closed before its draft was cleared): the stored document is the receipt, and
    // nothing is written again — a second submit event, or a receipt number that is not the stored one.
    const already = await stored(engine, `submission:${d.id}`);
    const { finishSubmit } = await drafts();
    if (already) {
      await finishSubmit(d);
      draft.value = emptyDraft(d.stationId);
      return { ok: true, submission: already };
    }
    const now = new Date();
    const { buildSubmission } = await import('./submission-builder');
    const candidate = buildSubmission(d, m, {
      now,
      createdBy: session.username,
      deviceId: await deviceId(),
      receiptRandom: crypto.getRandomValues(new Uint8Array(5)),
      pickupRandom: crypto.getRandomValues(new Uint8Array(4)),
    });
    const { describeIssues, submissionDocSchema } = await import('../../domain/documents');
    const parsed = submissionDocSchema.safeParse(candidate);
    if (!parsed.success) return { ok: false, errors: { matter: rawMsg(describeIssues(parsed.error)) } };
    const submitEvent: EventDoc = {
      _id: eventId(parsed.data._id, ulid()),
      type: 'event',
      action: 'submit',
      submissionId: parsed.data._id,
      stationId: d.stationId,
      actor: session.username,
      role: 'station',
      at: now.toISOString(),
    };
    try {
      const results = await engine.write((local) => local.bulkDocs([parsed.data, submitEvent]));
      const failed = results.find((r) => 'error' in r && r.error && (r as { status?: number }).status !== 409);
      if (failed) throw new Error((failed as { message?: string }).message ?? 'write failed');
      await finishSubmit(d);
      // 一次采集: the next intake for this enterprise starts from what was said now (a failure costs only that).
      await (await enterprises()).rememberEnterprise(parsed.data.enterprise, parsed.data._id, now).catch(() => undefined);
    } catch (e) {
      return { ok: false, errors: { matter: storageProblem(e) ?? msg('intakeError.submitFailed', { reason: (e as Error).message }) } };
    }
    draft.value = emptyDraft(d.stationId);
    engine.kick();
    return { ok: true, submission: parsed.data };
  }

  return { draft, matters, saveError, busy, prefilled, versionNotice, loadCatalog, open, recover, addPages, removePage, movePage, retakePage, sign, discard, validate, submit, matter, prefillEnterprise };
});

/** The submission with this id on the device, if it was written. */
const stored = (engine: Pick<SyncEngine, 'local'>, id: string): Promise<SubmissionDoc | undefined> =>
  engine.local.get(id).then(
    (doc) => doc as unknown as SubmissionDoc, // cast: PouchDB types documents loosely; ids under submission: are submissions
    () => undefined,
  );

async function deviceId(): Promise<string> {
  const { db } = await loadDb();
  const existing = (await db.settings.get(SETTING_KEYS.deviceId))?.value;
  if (typeof existing === 'string') return existing;
  const id = crypto.randomUUID();
  await db.settings.put({ key: SETTING_KEYS.deviceId, value: id });
  return id;
}

/**
 * Before the intake screen is drawn (its route's guard): the catalog snapshot and the draft to resume, both
 * from the device database, without Dexie (`storage/device-db`). A failure does not block the way in: the screen then says the catalog is not synced / no draft.
 */
export async function prepareIntake(stationId: string | undefined, draftId: string | undefined): Promise<void> {
  if (!stationId) return;
  const intake = useIntakeStore();
  await Promise.all([intake.loadCatalog(), intake.open(stationId, draftId)]).catch((e: unknown) => console.error('intake: could not read the device database', e));
}
