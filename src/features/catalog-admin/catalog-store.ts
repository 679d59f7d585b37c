/**
 * The catalog editor's data: the published catalog (read through the admin API), the matter being edited (kept
 * in sessionStorage, so a reload does not lose it), and publish, retire, import and export — each answered by
 * the server's verdict, a refusal with every problem it found.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { MatterDoc } from '../../domain/catalog';
import type { CatalogFile, CatalogProblem, CatalogPublished } from '../../domain/api-contract';
import { SESSION_KEYS } from '../../storage/keys';
import { api, ApiError, OfflineError } from '../../sync/api';
import { msg, rawMsg, type Msg } from '../../shared/i18n/messages';
import { blankForm, formOf, type MatterForm } from './matter-form';

/** The editor's draft: the form and which published matter it started from (null: a new matter). */
interface EditorDraft {
  form: MatterForm;
  from: string | null;
}

export type Outcome = { ok: true; published: CatalogPublished } | { ok: false; problem: Msg; problems: CatalogProblem[] };

function refused(e: unknown): Outcome {
  if (e instanceof OfflineError) return { ok: false, problem: msg('catalogAdmin.offline'), problems: [] };
  if (e instanceof ApiError) {
    const problems = (e.body as { problems?: CatalogProblem[] } | undefined)?.problems ?? [];
    return { ok: false, problem: rawMsg(e.message), problems };
  }
  return { ok: false, problem: rawMsg(String((e as Error).message ?? e)), problems: [] };
}

function readDraft(): EditorDraft | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEYS.catalogDraft);
    return raw ? (JSON.parse(raw) as EditorDraft) : null;
  } catch {
    return null;
  }
}

export const useCatalogAdminStore = defineStore('catalogAdmin', () => {
  const matters = ref<MatterDoc[]>([]);
  const retired = ref<MatterDoc[]>([]);
  const version = ref(0);
  const loading = ref(false);
  const loadError = ref<Msg | null>(null);
  const editing = ref<EditorDraft | null>(readDraft());

  watch(
    editing,
    (d) => {
      try {
        if (d) sessionStorage.setItem(SESSION_KEYS.catalogDraft, JSON.stringify(d));
        else sessionStorage.removeItem(SESSION_KEYS.catalogDraft);
      } catch {
        // A full or refused sessionStorage only costs the draft on reload.
      }
    },
    { deep: true },
  );

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const file = await api<CatalogFile & { matters: MatterDoc[]; retired?: MatterDoc[] }>('GET', '/api/admin/catalog?retired=1');
      matters.value = file.matters;
      retired.value = file.retired ?? [];
      version.value = file.version ?? 0;
      loadError.value = null;
    } catch (e) {
      const r = refused(e);
      loadError.value = r.ok ? null : r.problem;
    } finally {
      loading.value = false;
    }
  }

  function edit(m: MatterDoc | null): void {
    editing.value = { form: m ? formOf(m) : blankForm(), from: m?.id ?? null };
  }
  const close = (): void => void (editing.value = null);

  async function run(work: () => Promise<CatalogPublished>): Promise<Outcome> {
    try {
      const published = await work();
      await load();
      return { ok: true, published };
    } catch (e) {
      return refused(e);
    }
  }

  const publish = (m: MatterDoc): Promise<Outcome> => run(() => api<CatalogPublished>('PUT', `/api/admin/catalog/matters/${encodeURIComponent(m.id)}`, m));
  const retire = (id: string): Promise<Outcome> => run(() => api<CatalogPublished>('POST', `/api/admin/catalog/matters/${encodeURIComponent(id)}/retire`));
  const importCatalog = (file: unknown): Promise<Outcome> => run(() => api<CatalogPublished>('PUT', '/api/admin/catalog', file));
  /** The published catalog as the file `import-catalog` and Import take. */
  const exportCatalog = (): Promise<CatalogFile> => api<CatalogFile>('GET', '/api/admin/catalog');

  return { matters, retired, version, loading, loadError, editing, load, edit, close, publish, retire, importCatalog, exportCatalog };
});
