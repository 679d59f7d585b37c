/**
 * The hall officer's data: queue views, one submission's record, decisions and the dashboard, all through
 * the sync-server's hall API (the hall works online). A server-sent event stream tells every open view when
 * anything in the queue changed, so nothing needs a reload.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../../sync/api';
import { dashboardSchema, decisionResultSchema, fiveFiguresSchema, hallRecordSchema, queuePageSchema, stationsSchema, type Dashboard, type Decision, type FiveFigures, type HallRecord, type QueueRow, type Sla, type StationInfo } from '../../domain/api-contract';
import type { SubmissionStatus } from '../../domain/submission-machine';
import { indexCatalog, type CatalogIndex } from '../../shared/i18n/catalog-names';
import type { Bilingual } from '../../shared/i18n/messages';
import { loadMatters } from '../../shared/catalog';
import { BUILT_IN_DEPARTMENTS, departmentsOf, DEPARTMENT_PREFIX, type Department } from '../../domain/calendar-data';

// The hall's answers are typed by the one HTTP contract (src/domain/api-contract.ts) and checked against it.
export type QueueItem = QueueRow;
export type SubmissionRecord = HallRecord;
export type { Dashboard, Decision, FiveFigures, Sla, StationInfo };

export interface QueueQuery {
  view: string;
  station?: string;
  matter?: string;
  uscc?: string;
  skip?: number;
  limit?: number;
}

export function queueQueryString(q: QueueQuery, format: 'json' | 'csv' = 'json'): string {
  const params = new URLSearchParams({ view: q.view, limit: String(q.limit ?? 20), skip: String(q.skip ?? 0), format });
  for (const key of ['station', 'matter', 'uscc'] as const) if (q[key]) params.set(key, q[key]!);
  return params.toString();
}

export const useHallStore = defineStore('hall', () => {
  /** Bumped on every change the server streams; views watch it to refetch. */
  const changes = ref(0);
  const live = ref(false);
  /** The catalog, for the English names of matters and materials (queue items record the Chinese ones). */
  const catalog = ref<CatalogIndex>(new Map());
  let catalogLoad: Promise<void> | undefined;
  /** Stations by id, for their names (queue rows and filters record only the id). */
  const stations = ref<ReadonlyMap<string, Pick<StationInfo, 'id' | 'name' | 'nameEn'>>>(new Map());
  let stationsLoad: Promise<void> | undefined;
  let source: EventSource | undefined;
  /** Departments a submission can be dispatched to: the `department:` documents of the catalog (built-in ones until read). */
  const departments = ref<Department[]>([...BUILT_IN_DEPARTMENTS]);
  let departmentsLoad: Promise<void> | undefined;

  function loadDepartments(): Promise<void> {
    const range = `startkey=${encodeURIComponent(JSON.stringify(DEPARTMENT_PREFIX))}&endkey=${encodeURIComponent(JSON.stringify(`${DEPARTMENT_PREFIX}\ufff0`))}`;
    departmentsLoad ??= api<{ rows: { doc?: unknown }[] }>('GET', `/sync/catalog/_all_docs?include_docs=true&${range}`).then(
      (all) => {
        departments.value = departmentsOf(all.rows.map((r) => r.doc));
      },
      () => {
        departmentsLoad = undefined;
      },
    );
    return departmentsLoad;
  }

  function loadCatalog(): Promise<void> {
    catalogLoad ??= loadMatters('server').then(
      (matters) => {
        catalog.value = indexCatalog(matters);
      },
      () => {
        catalogLoad = undefined; // names stay as recorded; try again next time
      },
    );
    return catalogLoad;
  }

  function loadStations(): Promise<void> {
    stationsLoad ??= api('GET', '/api/stations', undefined, stationsSchema).then(
      ({ stations: list }) => {
        stations.value = new Map(list.map((st) => [st.id, st]));
      },
      () => {
        stationsLoad = undefined; // ids stay shown; try again next time
      },
    );
    return stationsLoad;
  }

  /** A station's name in both languages; its id while the list is not loaded or it is retired. */
  function stationName(id: string): Bilingual {
    const station = stations.value.get(id);
    return station ? { zh: station.name, en: station.nameEn } : { zh: id };
  }

  function connect(): void {
    void loadCatalog();
    void loadStations();
    void loadDepartments();
    if (source) return;
    source = new EventSource('/api/hall/stream');
    source.addEventListener('open', () => (live.value = true));
    source.addEventListener('error', () => (live.value = false));
    source.addEventListener('change', () => changes.value++);
  }

  function disconnect(): void {
    source?.close();
    source = undefined;
    live.value = false;
  }

  const queue = (q: QueueQuery): Promise<{ items: QueueItem[]; hasMore: boolean; today: string }> => api('GET', `/api/hall/queue?${queueQueryString(q)}`, undefined, queuePageSchema);
  const record = (id: string): Promise<SubmissionRecord> => api('GET', `/api/hall/submissions/${encodeURIComponent(id)}`, undefined, hallRecordSchema);
  const decide = (id: string, decision: Decision): Promise<{ status: SubmissionStatus }> => api('POST', `/api/hall/submissions/${encodeURIComponent(id)}/events`, decision, decisionResultSchema);
  const dashboard = (): Promise<Dashboard> => api('GET', '/api/hall/dashboard', undefined, dashboardSchema);
  /** The hall's own figures for the submissions received from `from` to `to` (China dates). */
  const figures = (from: string, to: string): Promise<FiveFigures> => api('GET', `/api/hall/figures?${new URLSearchParams({ from, to }).toString()}`, undefined, fiveFiguresSchema);

  return { changes, live, catalog, stations, stationName, departments, loadDepartments, connect, disconnect, queue, record, decide, dashboard, figures };
});

