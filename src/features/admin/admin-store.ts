/**
 * The admin console's data: stations, accounts and the device fleet, read from and written through the admin
 * API (which validates and audits every change; the console shows the server's reason when it refuses).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Attention, DeviceRecord } from '../../domain/devices';
import type { Schedule } from '../../domain/schedule';
import type { PermissionsRequest } from '../../domain/api-contract';
import type { AccountPermission } from '../../domain/documents';
import { api, ApiError, OfflineError } from '../../sync/api';
import { msg, rawMsg, type Msg } from '../../shared/i18n/messages';

export type AccountRole = 'station' | 'hall' | 'admin' | 'enterprise';

export interface AdminStation {
  id: string;
  name: string;
  nameEn: string;
  kind: 'building' | 'branch';
  district: string;
  buildings: string[];
  schedule?: Schedule;
  retiredAt?: string;
}

export interface AdminAccount {
  username: string;
  role: AccountRole;
  stationId?: string;
  uscc?: string;
  displayName?: string;
  disabled?: boolean;
  permissions?: AccountPermission[];
}

export interface FleetDevice extends DeviceRecord {
  attention: Attention[];
}

export type StationInput = Omit<AdminStation, 'retiredAt' | 'schedule'> & { schedule?: Schedule | null };
export type StationEdit = Partial<Omit<StationInput, 'id' | 'kind'>>;
export interface AccountInput {
  username: string;
  password: string;
  role: AccountRole;
  stationId?: string;
  uscc?: string;
  displayName?: string;
}

/** What went wrong, for the screen: the server's reason as it gave it, or "offline". */
function problem(e: unknown): Msg {
  if (e instanceof OfflineError) return msg('admin.offline');
  if (e instanceof ApiError) return rawMsg(e.message);
  return rawMsg(String((e as Error).message ?? e));
}

export const useAdminStore = defineStore('admin', () => {
  const stations = ref<AdminStation[]>([]);
  const accounts = ref<AdminAccount[]>([]);
  const devices = ref<FleetDevice[]>([]);
  const serverAppVersion = ref('');
  const loading = ref(false);
  const loadError = ref<Msg | null>(null);

  /** The fleet grouped by station, in the order of the station list (devices of unknown stations last). */
  const fleetByStation = computed(() => {
    const groups = new Map<string, FleetDevice[]>();
    for (const d of devices.value) groups.set(d.stationId, [...(groups.get(d.stationId) ?? []), d]);
    const known = stations.value.filter((s) => groups.has(s.id)).map((s) => ({ stationId: s.id, station: s as AdminStation | undefined, devices: groups.get(s.id)! }));
    const unknown = [...groups.keys()].filter((id) => !stations.value.some((s) => s.id === id)).map((id) => ({ stationId: id, station: undefined, devices: groups.get(id)! }));
    return [...known, ...unknown];
  });

  async function loadStations(): Promise<void> {
    stations.value = (await api<{ stations: AdminStation[] }>('GET', '/api/admin/stations')).stations;
  }
  async function loadAccounts(): Promise<void> {
    accounts.value = (await api<{ accounts: AdminAccount[] }>('GET', '/api/admin/accounts')).accounts;
  }
  async function loadDevices(): Promise<void> {
    const answer = await api<{ devices: FleetDevice[]; serverAppVersion: string }>('GET', '/api/admin/devices');
    devices.value = answer.devices;
    serverAppVersion.value = answer.serverAppVersion;
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      await Promise.all([loadStations(), loadAccounts(), loadDevices()]);
      loadError.value = null;
    } catch (e) {
      loadError.value = problem(e);
    } finally {
      loading.value = false;
    }
  }

  /** Run one change, then refresh what it touched; the refusal's reason, or null when it went through. */
  async function change(work: () => Promise<unknown>, refresh: () => Promise<void>): Promise<Msg | null> {
    try {
      await work();
    } catch (e) {
      return problem(e);
    }
    await refresh().catch(() => undefined);
    return null;
  }

  /** Created first, then given its hours (the create endpoint takes the station's identity only). */
  const createStation = (input: StationInput): Promise<Msg | null> =>
    change(async () => {
      const { schedule, ...station } = input;
      await api('POST', '/api/admin/stations', station);
      if (schedule) await api('PATCH', `/api/admin/stations/${encodeURIComponent(input.id)}`, { schedule });
    }, loadStations);
  const updateStation = (id: string, edit: StationEdit): Promise<Msg | null> => change(() => api('PATCH', `/api/admin/stations/${encodeURIComponent(id)}`, edit), loadStations);
  const retireStation = (id: string): Promise<Msg | null> => change(() => api('POST', `/api/admin/stations/${encodeURIComponent(id)}/retire`), loadStations);
  const createAccount = (input: AccountInput): Promise<Msg | null> => change(() => api('POST', '/api/admin/accounts', input), loadAccounts);
  const resetPassword = (username: string, password: string): Promise<Msg | null> => change(() => api('POST', `/api/admin/accounts/${encodeURIComponent(username)}/password`, { password }), loadAccounts);
  const setDisabled = (username: string, disabled: boolean): Promise<Msg | null> => change(() => api('POST', `/api/admin/accounts/${encodeURIComponent(username)}/${disabled ? 'disable' : 'enable'}`), loadAccounts);
  /** Grant or take away a hall account's catalog permission (applies at its next request; its menu after sign-in). */
  const setCatalogPermission = (username: string, granted: boolean): Promise<Msg | null> =>
    change(() => api('PUT', `/api/admin/accounts/${encodeURIComponent(username)}/permissions`, { permissions: granted ? ['catalog'] : [] } satisfies PermissionsRequest), loadAccounts);
  const retireDevice = (id: string): Promise<Msg | null> => change(() => api('POST', `/api/admin/devices/${encodeURIComponent(id)}/retire`), loadDevices);

  return { stations, accounts, devices, serverAppVersion, loading, loadError, fleetByStation, load, loadDevices, createStation, updateStation, retireStation, createAccount, resetPassword, setDisabled, setCatalogPermission, retireDevice };
});
