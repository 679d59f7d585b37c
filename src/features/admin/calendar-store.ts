/**
 * The hall's calendar and departments as the admin console edits them (`/api/admin/calendar`,
 * `/api/admin/departments`; the admin and the hall may use them). Refusals come back with every reason.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CalendarDoc, Department } from '../../domain/calendar-data';
import { msg, rawMsg, type Msg } from '../../shared/i18n/messages';
import { api, ApiError, OfflineError } from '../../sync/api';

function problem(e: unknown): Msg {
  if (e instanceof OfflineError) return msg('admin.offline');
  if (e instanceof ApiError) {
    const issues = (e.body as { issues?: unknown } | undefined)?.issues;
    return rawMsg(Array.isArray(issues) ? issues.map(String).join('\n') : e.message);
  }
  return rawMsg(String((e as Error).message ?? e));
}

export const useCalendarAdminStore = defineStore('calendarAdmin', () => {
  const years = ref<CalendarDoc[]>([]);
  const builtInUntil = ref(0);
  const coversUntil = ref(0);
  const departments = ref<Department[]>([]);
  const loadError = ref<Msg | null>(null);

  async function load(): Promise<void> {
    try {
      const [calendar, list] = await Promise.all([
        api<{ years: CalendarDoc[]; builtInUntil: number; coversUntil: number }>('GET', '/api/admin/calendar'),
        api<{ departments: Department[] }>('GET', '/api/admin/departments'),
      ]);
      years.value = calendar.years;
      builtInUntil.value = calendar.builtInUntil;
      coversUntil.value = calendar.coversUntil;
      departments.value = list.departments;
      loadError.value = null;
    } catch (e) {
      loadError.value = problem(e);
    }
  }

  /** Load (or replace) one year; the refusal's reasons, or null when it went through. */
  async function saveYear(year: number, holidays: string[], workdays: string[], source?: string): Promise<Msg | null> {
    try {
      await api('PUT', `/api/admin/calendar/${encodeURIComponent(String(year))}`, { holidays, workdays, ...(source ? { source } : {}) });
    } catch (e) {
      return problem(e);
    }
    await load();
    return null;
  }

  async function saveDepartment(department: Department): Promise<Msg | null> {
    try {
      const { id, ...body } = department;
      await api('PUT', `/api/admin/departments/${encodeURIComponent(id)}`, body);
    } catch (e) {
      return problem(e);
    }
    await load();
    return null;
  }

  return { years, builtInUntil, coversUntil, departments, loadError, load, saveYear, saveDepartment };
});
