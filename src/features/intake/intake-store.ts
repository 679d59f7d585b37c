/**
 * The intake in progress. The draft autosaves to Dexie on every change (it survives reloads, crashes and
 * going offline); submitting turns it into the immutable submission and its `submit` event in one
 * `bulkDocs` into PouchDB, after which its pages become `pending` uploads.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { ulid } from 'ulid';
import { deriveChecklist, matterDocSchema, validateAnswers, type MatterDoc } from '../../domain/catalog';
import { describeIssues, eventId, submissionDocSchema, type EventDoc, type SubmissionDoc } from '../../domain/documents';
import { explainIdNumber, explainUscc, normaliseIdNumber, normaliseUscc, type IdProblem } from '../../domain/ids';
import { makePickupCode, makeReceiptNo } from '../../domain/receipt';
import { capturePage, captureSignature, CaptureError } from '../../capture/files';
import { db, isQuotaError, type Draft } from '../../storage/db';
import { deleteDraft } from '../../storage/drafts';
import { useSessionStore } from '../../app/stores/session';
import { useSyncStore } from '../../app/stores/sync';

export interface FieldErrors {
  matter?: string;
  uscc?: string;
  enterpriseName?: string;
  applicantName?: string;
  idNumber?: string;
  pages?: string;
  deficient?: string;
  answers?: string;
}

/** Non-core materials marked 容缺 and without pages (pages win: a material that was brought is provided). */
export function deficientMaterials(d: Draft, m: MatterDoc): MatterDoc['materials'] {
  return deriveChecklist(m, d.answers).materials.filter((mat) => !mat.core && d.deficient[mat.id] !== undefined && !d.pages[mat.id]?.length);
}

const STORAGE_FULL = '设备存储已满：草稿已保留，请先同步并清理空间 (device storage is full; the draft is kept)';

export function describeIdProblem(label: string, p: IdProblem): string {
  const where = p.position !== undefined ? `第 ${p.position + 1} 位` : '';
  switch (p.kind) {
    case 'length':
      return `${label}应为 18 位 (must be 18 characters)`;
    case 'character':
      return `${label}${where}字符无效 (invalid character at position ${(p.position ?? 0) + 1})`;
    case 'region':
      return `${label}${where}地区码无效 (invalid region code)`;
    case 'birthDate':
      return `${label}出生日期无效 (invalid birth date)`;
    case 'checkDigit':
      return `${label}校验位错误，应为 ${p.expected ?? '?'} (check digit should be ${p.expected ?? '?'})`;
  }
}

function emptyDraft(stationId: string): Draft {
  const now = new Date().toISOString();
  return { id: ulid(), stationId, matterId: '', uscc: '', enterpriseName: '', applicantName: '', idNumber: '', pages: {}, deficient: {}, signature: null, answers: {}, createdAt: now, updatedAt: now };
}

export const useIntakeStore = defineStore('intake', () => {
  const draft = ref<Draft | null>(null);
  const matters = ref<MatterDoc[]>([]);
  const saveError = ref('');
  const busy = ref('');
  let saving: Promise<void> = Promise.resolve();

  async function loadCatalog(): Promise<void> {
    const engine = useSyncStore().engine;
    if (!engine) return;
    const res = await engine.catalog.allDocs({ startkey: 'matter:', endkey: 'matter:\ufff0', include_docs: true });
    matters.value = res.rows.flatMap((r) => {
      const parsed = matterDocSchema.safeParse(r.doc);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Resume the newest draft of this station, or start one. */
  async function open(stationId: string, draftId?: string): Promise<void> {
    const engine = useSyncStore().engine;
    const drafts = await db.drafts.where('stationId').equals(stationId).sortBy('updatedAt');
    // A crash between writing the documents and clearing the draft: finish that submit now.
    for (const d of drafts) {
      const done = engine ? await engine.local.get(`submission:${d.id}`).then(() => true, () => false) : false;
      if (done) await finishSubmit(d);
    }
    const open = engine ? await Promise.all(drafts.map(async (d) => ((await db.drafts.get(d.id)) ? d : undefined))) : drafts;
    const remaining = open.filter((d): d is Draft => d !== undefined);
    const latest = (draftId ? remaining.find((d) => d.id === draftId) : undefined) ?? remaining.at(-1);
    // Drafts saved by an older version lack newer fields: fill them in rather than fail.
    draft.value = latest ? { ...emptyDraft(stationId), ...latest } : emptyDraft(stationId);
  }

  async function save(): Promise<void> {
    const current = draft.value;
    if (!current) return;
    // A fresh, untouched draft is not worth a row in the outbox.
    const empty = !current.matterId && !current.uscc && !current.enterpriseName && !current.applicantName && !current.idNumber && !Object.keys(current.pages).length && !current.signature && !Object.keys(current.answers).length;
    if (empty) return;
    saving = saving.then(async () => {
      try {
        await db.drafts.put(JSON.parse(JSON.stringify({ ...current, updatedAt: new Date().toISOString() })) as Draft);
        saveError.value = '';
      } catch (e) {
        saveError.value = isQuotaError(e) ? STORAGE_FULL : `草稿保存失败 (draft not saved): ${(e as Error).message}`;
      }
    });
    return saving;
  }

  watch(draft, () => void save(), { deep: true });

  const matter = (): MatterDoc | undefined => matters.value.find((m) => m.id === draft.value?.matterId);

  async function addPages(materialId: string, files: File[]): Promise<string> {
    const current = draft.value;
    if (!current) return '';
    const errors: string[] = [];
    const STAGES = { decode: '读取', resize: '缩放', encode: '压缩' } as const;
    try {
      for (const [i, file] of files.entries()) {
        const counter = files.length > 1 ? ` ${i + 1}/${files.length}` : '';
        busy.value = `正在处理${counter}… (processing)`;
        try {
          const page = await capturePage(file, (stage) => (busy.value = `正在${STAGES[stage]}${counter}… (${stage})`));
          await db.blobs.put({ sha256: page.sha256, blob: page.blob, type: page.type, bytes: page.bytes, state: 'draft', stationId: current.stationId, createdAt: new Date().toISOString(), attempts: 0 });
          const list = current.pages[materialId] ?? [];
          if (!list.some((p) => p.sha256 === page.sha256)) {
            list.push({ sha256: page.sha256, bytes: page.bytes, type: page.type, ...(page.warnings.length ? { warnings: page.warnings } : {}) });
          }
          current.pages[materialId] = list;
        } catch (e) {
          errors.push(e instanceof CaptureError ? e.message : isQuotaError(e) ? STORAGE_FULL : `“${file.name}”: ${(e as Error).message}`);
        }
      }
    } finally {
      busy.value = '';
    }
    return errors.join('\n');
  }

  async function sign(png: Blob): Promise<string> {
    const current = draft.value;
    if (!current) return '';
    try {
      const page = await captureSignature(png);
      await db.blobs.put({ sha256: page.sha256, blob: page.blob, type: page.type, bytes: page.bytes, state: 'draft', stationId: current.stationId, createdAt: new Date().toISOString(), attempts: 0 });
      current.signature = { sha256: page.sha256, bytes: page.bytes, type: page.type };
      return '';
    } catch (e) {
      return isQuotaError(e) ? STORAGE_FULL : (e as Error).message;
    }
  }

  /** Throw away the current draft (the caller has asked for confirmation) and start a new one. */
  async function discard(): Promise<void> {
    const current = draft.value;
    if (!current) return;
    draft.value = emptyDraft(current.stationId);
    await deleteDraft(current.id);
  }

  function removePage(materialId: string, sha256: string): void {
    const current = draft.value;
    if (!current) return;
    current.pages[materialId] = (current.pages[materialId] ?? []).filter((p) => p.sha256 !== sha256);
  }

  function validate(): FieldErrors {
    const d = draft.value;
    const errors: FieldErrors = {};
    if (!d) return { matter: '没有草稿 (no draft)' };
    const m = matter();
    if (!m) errors.matter = '请选择事项 (choose a matter)';
    const usccProblem = explainUscc(normaliseUscc(d.uscc));
    if (usccProblem) errors.uscc = describeIdProblem('统一社会信用代码', usccProblem);
    if (!d.enterpriseName.trim()) errors.enterpriseName = '请填写企业名称 (enterprise name required)';
    if (!d.applicantName.trim()) errors.applicantName = '请填写申请人姓名 (applicant name required)';
    const idProblem = explainIdNumber(normaliseIdNumber(d.idNumber));
    if (idProblem) errors.idNumber = describeIdProblem('身份证号码', idProblem);
    if (m) {
      const checklist = deriveChecklist(m, d.answers);
      const answerProblems = validateAnswers(m, d.answers);
      if (checklist.unanswered.length || answerProblems.length) {
        const names = checklist.questions.filter((q) => checklist.unanswered.includes(q.id)).map((q) => q.text);
        errors.answers = names.length ? `请回答情景问题 (answer the questions): ${names.join('、')}` : answerProblems.join('; ');
      }
      const missing = checklist.materials.filter((mat) => !d.pages[mat.id]?.length && !(d.deficient[mat.id] !== undefined && !mat.core));
      if (missing.length) errors.pages = `还缺材料 (missing): ${missing.map((x) => x.name).join('、')}`;
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const badDates = checklist.materials.filter((mat) => d.deficient[mat.id] !== undefined && !d.pages[mat.id]?.length && !(d.deficient[mat.id]! >= tomorrow));
      if (badDates.length) errors.deficient = `容缺材料需要今天之后的补交日期 (due date must be after today): ${badDates.map((x) => x.name).join('、')}`;
      else if (deficientMaterials(d, m).length && !d.signature) errors.deficient = '容缺受理需要申请人签署告知承诺 (the applicant must sign the commitment)';
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
    const now = new Date();
    const candidate = {
      _id: `submission:${d.id}`,
      type: 'submission',
      schemaVersion: 1,
      stationId: d.stationId,
      matterId: m.id,
      matterName: m.name,
      enterprise: { uscc: normaliseUscc(d.uscc), name: d.enterpriseName.trim() },
      applicant: { name: d.applicantName.trim(), idNumber: normaliseIdNumber(d.idNumber) },
      // Only answers to questions that were asked: the record says what produced the checklist.
      answers: Object.fromEntries(deriveChecklist(m, d.answers).questions.flatMap((q) => (d.answers[q.id] ? [[q.id, d.answers[q.id]!]] : []))),
      items: deriveChecklist(m, d.answers).materials.map((mat) => {
        const pages = (d.pages[mat.id] ?? []).map(({ sha256, bytes, type }) => ({ sha256, bytes, type }));
        if (pages.length || mat.core || d.deficient[mat.id] === undefined) return { materialId: mat.id, name: mat.name, core: mat.core, status: 'provided', pages };
        const signature = d.signature ? { sha256: d.signature.sha256, bytes: d.signature.bytes, type: d.signature.type } : undefined;
        return { materialId: mat.id, name: mat.name, core: mat.core, status: 'deficient', pages, commitment: { dueDate: d.deficient[mat.id], text: m.commitmentText, ...(signature ? { signature } : {}) } };
      }),
      receiptNo: makeReceiptNo(d.stationId, now, crypto.getRandomValues(new Uint8Array(5))),
      pickupCode: makePickupCode(crypto.getRandomValues(new Uint8Array(4))),
      createdAt: now.toISOString(),
      createdBy: session.username,
      deviceId: await deviceId(),
    };
    const parsed = submissionDocSchema.safeParse(candidate);
    if (!parsed.success) return { ok: false, errors: { matter: describeIssues(parsed.error) } };
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
    } catch (e) {
      return { ok: false, errors: { matter: isQuotaError(e) ? STORAGE_FULL : `提交失败，草稿已保留 (submit failed, draft kept): ${(e as Error).message}` } };
    }
    draft.value = emptyDraft(d.stationId);
    engine.kick();
    return { ok: true, submission: parsed.data };
  }

  return { draft, matters, saveError, busy, loadCatalog, open, addPages, removePage, sign, discard, validate, submit, matter };
});

/** After the documents are in PouchDB: pages become uploads, the draft goes. Safe to repeat after a crash. */
export async function finishSubmit(d: Draft): Promise<void> {
  const hashes = [...Object.values(d.pages).flat(), ...(d.signature ? [d.signature] : [])].map((p) => p.sha256);
  await db.transaction('rw', db.blobs, db.drafts, async () => {
    await db.blobs.where('sha256').anyOf(hashes).modify((b) => {
      if (b.state === 'draft') b.state = 'pending';
    });
    await db.drafts.delete(d.id);
  });
}

async function deviceId(): Promise<string> {
  const existing = (await db.settings.get('deviceId'))?.value;
  if (typeof existing === 'string') return existing;
  const id = crypto.randomUUID();
  await db.settings.put({ key: 'deviceId', value: id });
  return id;
}
