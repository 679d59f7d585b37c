/** Device storage: ask for persistence (so the browser does not evict a day's intake) and report usage. */
export interface StorageEstimateInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

/** Warn once usage passes this share of the quota. */
export const STORAGE_WARN_RATIO = 0.8;

export async function requestPersistence(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  return (await navigator.storage.persisted()) || navigator.storage.persist();
}

export async function estimateStorage(): Promise<StorageEstimateInfo | undefined> {
  if (!navigator.storage?.estimate) return undefined;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usage, quota, persisted: await navigator.storage.persisted() };
}
