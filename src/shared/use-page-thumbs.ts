/**
 * Thumbnails of pages kept on the device (object URLs of their bytes in Dexie), for every screen that shows
 * pages being captured: the intake's materials and the 补正/容缺 supplement. A URL is made once per page, revoked
 * when its page leaves the list, and all are revoked when the component goes.
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { pageBlob, type DraftPage } from './pages';

export function usePageThumbs(pages: () => readonly Pick<DraftPage, 'sha256' | 'type'>[]): Ref<Record<string, string>> {
  const thumbs = ref<Record<string, string>>({});
  watch(
    () => pages().map((p) => `${p.sha256}:${p.type}`).join(),
    async () => {
      const next: Record<string, string> = {};
      for (const page of pages()) {
        const existing = thumbs.value[page.sha256];
        if (existing) next[page.sha256] = existing;
        else if (page.type !== 'application/pdf') {
          const blob = await pageBlob(page.sha256);
          if (blob) next[page.sha256] = URL.createObjectURL(blob);
        }
      }
      for (const [sha, url] of Object.entries(thumbs.value)) if (!next[sha]) URL.revokeObjectURL(url);
      thumbs.value = next;
    },
    { immediate: true },
  );
  onBeforeUnmount(() => Object.values(thumbs.value).forEach((url) => URL.revokeObjectURL(url)));
  return thumbs;
}
