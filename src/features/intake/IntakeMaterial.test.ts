// @vitest-environment happy-dom
/**
 * IntakeMaterial: one checklist material with its pages, the file picker, 容缺 and page warnings, in the
 * default language (zh-CN) and in English.
 */
import 'fake-indexeddb/auto';
import { mount, type VueWrapper } from '@vue/test-utils';
import { nextTick } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import type { Material } from '../../domain/catalog';
import { db, type DraftPage, type StoredBlob } from '../../storage/db';
import { msg, type Locale, type Msg } from '../../shared/i18n/messages';
import { chinaDay } from '../../domain/china-time';
import { addWorkingDays } from '../../domain/calendar';
import { testI18n } from '../../shared/i18n/test-support';
import IntakeMaterial from './IntakeMaterial.vue';

interface Props {
  material: Material;
  pages: DraftPage[];
  errors: Msg[];
  deficientDate: string | undefined;
  promisedDays?: number;
}

const CORE: Material = { id: 'licence-application', name: '食品经营许可申请书', nameEn: 'Food business licence application', core: true, pages: 3 };
const NON_CORE: Material = { id: 'safety-officer-appointment', name: '食品安全总监、食品安全员任命文件', nameEn: 'Appointment of the food safety director / officer', core: false, pages: 1 };
const PDF_PAGE: DraftPage = { sha256: 'a'.repeat(64), bytes: 1234, type: 'application/pdf' };
const PDF_PAGE_2: DraftPage = { sha256: 'b'.repeat(64), bytes: 2345, type: 'application/pdf' };

/** A day in China time, as the intake counts them. */
const isoDay = (days: number): string => chinaDay(days);

function render(props: Partial<Props> = {}, locale: Locale = 'zh-CN'): VueWrapper {
  return mount(IntakeMaterial, { props: { material: NON_CORE, pages: [], errors: [], deficientDate: undefined, ...props }, global: { plugins: [testI18n(locale)] } });
}

const deficientBox = (w: VueWrapper) => w.find('.deficient input[type="checkbox"]');

describe('IntakeMaterial', () => {
  it('renders the material: name, core tag, pages and a file picker', async () => {
    const w = render({ material: CORE, pages: [PDF_PAGE, PDF_PAGE_2] });
    await nextTick();
    expect(w.attributes('data-material')).toBe('licence-application');
    expect(w.find('.material-name').text()).toBe('食品经营许可申请书');
    expect(w.text()).not.toContain('Food business licence application');
    expect(w.find('.tag').text()).toBe('核心');
    expect(w.findAll('li.page')).toHaveLength(2);
    expect(w.findAll('li.page .pdf').map((x) => x.text())).toEqual(['PDF', 'PDF']);
    const input = w.find('input.file-input');
    expect(input.attributes('accept')).toBe('image/jpeg,image/png,image/webp,application/pdf');
    expect(input.attributes('multiple')).toBeDefined();
    expect(input.attributes('aria-label')).toBe('食品经营许可申请书 选择文件（图片或 PDF）');
    expect(w.find('.error').exists()).toBe(false);
    expect(render().find('.tag').text()).toBe('非核心');
  });

  it('speaks English when English is chosen: the catalog’s English name, labels and messages', () => {
    const w = render({ material: NON_CORE, errors: [msg('capture.notImageOrPdf', { name: 'scan.txt' })], pages: [{ ...PDF_PAGE, warnings: ['dark'] }] }, 'en');
    expect(w.find('.material-name').text()).toBe('Appointment of the food safety director / officer');
    expect(w.find('.tag').text()).toBe('non-core');
    expect(w.find('.file-button:has(input.file-input)').text()).toBe('Choose file');
    expect(w.find('input.file-input').attributes('aria-label')).toBe('Choose a file (image or PDF) for Appointment of the food safety director / officer');
    expect(w.find('p.warning').text()).toBe('Page 1: The page looks dark: check that it is readable');
    expect(w.find('[role="alert"]').text()).toBe('“scan.txt” is not a JPEG/PNG/WebP image or a PDF');
    expect(w.text()).not.toMatch(/[\u3400-\u9fff]/);
    const empty = render({ material: NON_CORE }, 'en');
    expect(empty.find('.deficient').text()).toContain('Supply later');
  });

  it('emits the picked files on change; nothing for an empty pick', async () => {
    const w = render();
    const input = w.find('input.file-input');
    const files = [new File(['page 1'], 'p1.jpg', { type: 'image/jpeg' }), new File(['%PDF-1.4'], 'p2.pdf', { type: 'application/pdf' })];
    Object.defineProperty(input.element, 'files', { value: files, configurable: true });
    await input.trigger('change');
    expect(w.emitted('files')).toEqual([[files]]);

    Object.defineProperty(input.element, 'files', { value: [], configurable: true });
    await input.trigger('change');
    expect(w.emitted('files')).toHaveLength(1);
  });

  it('emits remove with the page hash from a page’s × button', async () => {
    const w = render({ pages: [PDF_PAGE, PDF_PAGE_2] });
    const remove = w.findAll('button.remove');
    expect(remove[1]?.attributes('aria-label')).toBe(`删除 ${NON_CORE.name} 第2页`);
    await remove[1]?.trigger('click');
    expect(w.emitted('remove')).toEqual([[PDF_PAGE_2.sha256]]);
  });

  it('offers 容缺 only for a non-core material without pages', () => {
    expect(deficientBox(render({ material: CORE })).exists()).toBe(false);
    expect(deficientBox(render({ material: CORE, deficientDate: isoDay(5) })).exists()).toBe(false);
    expect(deficientBox(render({ material: NON_CORE, pages: [PDF_PAGE] })).exists()).toBe(false);
    const w = render({ material: NON_CORE });
    expect(deficientBox(w).exists()).toBe(true);
    expect(w.find('.deficient').text()).toBe('容缺，后补');
    expect((deficientBox(w).element as HTMLInputElement).checked).toBe(false);
    expect(w.find('.deficient input[type="date"]').exists()).toBe(false);
  });

  it('ticking 容缺 emits a due date after today; unticking emits undefined', async () => {
    const w = render({ promisedDays: 30 });
    const box = deficientBox(w);
    await box.setValue(true);
    await vi.waitFor(() => expect(w.emitted('deficient')).toBeDefined());
    const [[date]] = w.emitted('deficient') as [[string]];
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(date >= isoDay(1)).toBe(true);
    expect(date).toBe(isoDay(14)); // the default two-week 容缺 period, well within a 30-day promise
    await box.setValue(false);
    expect(w.emitted('deficient')?.[1]).toEqual([undefined]);
  });

  it('defaults the 容缺 due date within the promised time, and says when the promise falls', async () => {
    const w = render({ promisedDays: 5 });
    await deficientBox(w).setValue(true);
    await vi.waitFor(() => expect(w.emitted('deficient')).toBeDefined());
    const [[date]] = w.emitted('deficient') as [[string]];
    const promisedBy = addWorkingDays(isoDay(0), 5);
    // Two weeks would pass a 5-working-day promise: the default is before it.
    expect(date < promisedBy).toBe(true);
    expect(date >= isoDay(1)).toBe(true);
    await w.setProps({ deficientDate: date });
    expect(w.find('[data-testid="due-hint"]').text()).toContain(promisedBy);
  });

  it('with 容缺 ticked, shows a due-date picker no earlier than tomorrow and emits the picked date', async () => {
    const due = isoDay(10);
    const w = render({ deficientDate: due });
    expect((deficientBox(w).element as HTMLInputElement).checked).toBe(true);
    const picker = w.find(`#due-${NON_CORE.id}`);
    expect(picker.exists()).toBe(true);
    expect(w.find(`label[for="due-${NON_CORE.id}"]`).text()).toBe('补交日期');
    expect((picker.element as HTMLInputElement).value).toBe(due);
    expect(picker.attributes('min')).toBe(isoDay(1));
    await picker.setValue(isoDay(20));
    expect(w.emitted('deficient')).toEqual([[isoDay(20)]]);
  });

  it('shows quality warnings per page, and a badge on the page', () => {
    const w = render({ material: CORE, pages: [PDF_PAGE, { ...PDF_PAGE_2, warnings: ['blurred', 'dark'] }] });
    expect(w.findAll('p.warning').map((p) => p.text())).toEqual(['第2页：页面可能模糊，请确认文字清晰', '第2页：页面偏暗，请确认可读']);
    const pages = w.findAll('li.page');
    expect(pages[0]?.find('.warn-badge').exists()).toBe(false);
    expect(pages[1]?.find('.warn-badge').attributes('title')).toBe('页面可能模糊，请确认文字清晰\n页面偏暗，请确认可读');
    // Drafts saved by an older version hold the warning's words rather than its code: shown as they are.
    const old = render({ material: CORE, pages: [{ ...PDF_PAGE, warnings: ['页面偏暗，请确认可读 (page looks dark)'] }] });
    expect(old.find('p.warning').text()).toBe('第1页：页面偏暗，请确认可读 (page looks dark)');
    expect(render({ pages: [PDF_PAGE] }).find('p.warning').exists()).toBe(false);
  });

  it('shows refusal messages as an alert, one per line', () => {
    const w = render({ errors: [msg('capture.notImageOrPdf', { name: 'scan.txt' }), msg('capture.empty', { name: msg('capture.photo') })] });
    expect(w.find('[role="alert"]').text()).toBe('“scan.txt” 不是 JPEG/PNG/WebP 图片或 PDF\n“照片” 是空文件');
  });

  it('moves pages earlier and later with labelled ≥ 44 px buttons; the ends are disabled; focus follows the page', async () => {
    const PDF_PAGE_3: DraftPage = { sha256: 'c'.repeat(64), bytes: 3456, type: 'application/pdf' };
    let pages = [PDF_PAGE, PDF_PAGE_2, PDF_PAGE_3];
    const w: VueWrapper = mount(IntakeMaterial, {
      attachTo: document.body,
      props: {
        material: CORE,
        pages,
        errors: [],
        deficientDate: undefined,
        // The parent (the intake store) reorders the draft's list.
        onMove: (sha: string, delta: -1 | 1) => {
          const from = pages.findIndex((p) => p.sha256 === sha);
          const next = [...pages];
          const [moved] = next.splice(from, 1);
          next.splice(from + delta, 0, moved!);
          pages = next;
          void w.setProps({ pages });
        },
      },
      global: { plugins: [testI18n('zh-CN')] },
    });
    const tile = (sha: string) => w.find(`li.page[data-sha256="${sha}"]`);
    expect(tile(PDF_PAGE.sha256).find('.move-earlier').attributes('disabled')).toBeDefined();
    expect(tile(PDF_PAGE_3.sha256).find('.move-later').attributes('disabled')).toBeDefined();
    expect(tile(PDF_PAGE_2.sha256).find('.move-earlier').attributes('aria-label')).toBe(`${CORE.name} 第 2 页前移`);
    expect(tile(PDF_PAGE_2.sha256).find('.move-later').attributes('aria-label')).toBe(`${CORE.name} 第 2 页后移`);
    for (const b of w.findAll('.page-tools button')) expect(b.element.tagName).toBe('BUTTON'); // keyboard: native buttons

    await tile(PDF_PAGE.sha256).find('.move-later').trigger('click');
    await vi.waitFor(() => expect(w.findAll('li.page').map((li) => li.attributes('data-sha256'))).toEqual([PDF_PAGE_2.sha256, PDF_PAGE.sha256, PDF_PAGE_3.sha256]));
    expect(w.emitted('move')).toEqual([[PDF_PAGE.sha256, 1]]);
    await vi.waitFor(() => expect(document.activeElement).toBe(tile(PDF_PAGE.sha256).find('.move-later').element));
    expect(w.find('[role="status"][aria-live="polite"]').text()).toBe(`${CORE.name}：该页已移到第 2/3 页`);
    expect(w.findAll('.page-no').map((x) => x.text())).toEqual(['1', '2', '3']);

    // Moving to the end disables "later": the focus goes to "earlier" of the same page.
    await tile(PDF_PAGE.sha256).find('.move-later').trigger('click');
    await vi.waitFor(() => expect(document.activeElement).toBe(tile(PDF_PAGE.sha256).find('.move-earlier').element));
    // Nothing is emitted past the ends.
    await tile(PDF_PAGE.sha256).find('.move-later').trigger('click');
    expect(w.emitted('move')).toHaveLength(2);
    w.unmount();
  });

  it('retakes a page in place: a one-file picker (gallery and PDFs too) not kept in the page; its file is emitted with the page it replaces', async () => {
    Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
    const w = render({ pages: [PDF_PAGE, PDF_PAGE_2] }, 'en');
    expect(w.findAll('input[type="file"]')).toHaveLength(2); // the material's own camera and file inputs stay the only ones
    const pickers: HTMLInputElement[] = [];
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(function (this: HTMLInputElement) {
      pickers.push(this);
    });
    const button = w.findAll('button.retake')[1]!;
    expect(button.attributes('aria-label')).toBe(`Retake ${NON_CORE.nameEn}, page 2`);
    expect(button.text()).toBe('Retake'); // a word, not ↻ (which reads as "rotate")
    await button.trigger('click');
    expect(click).toHaveBeenCalledOnce();
    const picker = pickers[0]!;
    expect(picker.type).toBe('file');
    expect(picker.getAttribute('capture')).toBeNull(); // `capture` would hide the gallery and PDFs on Android
    expect(picker.accept).toBe('image/jpeg,image/png,image/webp,application/pdf');
    expect(picker.multiple).toBe(false);
    expect(picker.isConnected).toBe(false);
    const file = new File(['new'], 'again.jpg', { type: 'image/jpeg' });
    Object.defineProperty(picker, 'files', { value: [file], configurable: true });
    picker.dispatchEvent(new Event('change'));
    expect(w.emitted('retake')).toEqual([[PDF_PAGE_2.sha256, file]]);
    // A picker closed without a file emits nothing.
    await button.trigger('click');
    Object.defineProperty(pickers[1]!, 'files', { value: [], configurable: true });
    pickers[1]!.dispatchEvent(new Event('change'));
    expect(w.emitted('retake')).toHaveLength(1);
    click.mockRestore();
  });

  it('opens a photo full size in a labelled modal dialog, pages through, and gives the focus back on close', async () => {
    const PHOTO: DraftPage = { sha256: 'd'.repeat(64), bytes: 3, type: 'image/jpeg' };
    const PHOTO_2: DraftPage = { sha256: 'e'.repeat(64), bytes: 3, type: 'image/jpeg' };
    // The thumbnails' bytes come from Dexie (fake-indexeddb cannot hold a Blob under Node): answered here.
    const get = vi.spyOn(db.blobs, 'get') as unknown as { mockImplementation(f: (key: string) => Promise<StoredBlob>): void };
    get.mockImplementation(async (sha256) => ({ sha256, blob: new Blob(['jpg'], { type: 'image/jpeg' }), type: 'image/jpeg', bytes: 3, state: 'draft', stationId: 's', createdAt: '', attempts: 0 }));
    let urls = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:test-${++urls}`);
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const w = mount(IntakeMaterial, { attachTo: document.body, props: { material: CORE, pages: [PHOTO, PHOTO_2], errors: [], deficientDate: undefined }, global: { plugins: [testI18n('zh-CN')] } });
    await vi.waitFor(() => expect(w.findAll('button.zoom')).toHaveLength(2));
    const opener = w.findAll('button.zoom')[0]!;
    expect(opener.attributes('aria-label')).toBe(`放大查看 ${CORE.name} 第 1 页`);
    (opener.element as HTMLButtonElement).focus();
    await opener.trigger('click');
    const dialog = w.find('dialog.page-zoom');
    await vi.waitFor(() => expect((dialog.element as HTMLDialogElement).open).toBe(true));
    expect(dialog.attributes('aria-label')).toBe(`${CORE.name} · 第 1/2 页`);
    expect(dialog.find('img').attributes('alt')).toBe(`${CORE.name} 第1页`);
    expect(document.activeElement).toBe(dialog.find('.zoom-close').element);
    await dialog.findAll('.lightbox-bar button')[1]!.trigger('click'); // next
    expect(dialog.attributes('aria-label')).toBe(`${CORE.name} · 第 2/2 页`);
    await dialog.find('.zoom-close').trigger('click');
    await vi.waitFor(() => expect((dialog.element as HTMLDialogElement).open).toBe(false));
    dialog.element.dispatchEvent(new Event('close'));
    await nextTick();
    expect(dialog.find('img').exists()).toBe(false);
    expect(document.activeElement).toBe(opener.element);
    w.unmount();
    vi.restoreAllMocks();
  });

  describe('live camera', () => {
    const mediaDevices = (getUserMedia: () => Promise<MediaStream>) => Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
    const noMediaDevices = () => Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });

    it('without getUserMedia, offers the phone’s camera (an input with capture, photos only) beside the file input (none)', () => {
      noMediaDevices();
      const w = mount(IntakeMaterial, { props: { material: CORE, pages: [], errors: [], deficientDate: undefined }, global: { plugins: [testI18n('zh-CN')] } });
      expect(w.find('button.camera-button').exists()).toBe(false);
      const camera = w.find('input.camera-input');
      expect(camera.attributes('capture')).toBe('environment');
      expect(camera.attributes('accept')).toBe('image/jpeg,image/png,image/webp');
      expect(camera.attributes('aria-label')).toBe(`${CORE.name} 拍照`);
      expect(camera.element.closest('label')?.textContent?.trim()).toBe('拍照');
      const file = w.find('input.file-input');
      expect(file.attributes('capture')).toBeUndefined();
      expect(file.attributes('accept')).toBe('image/jpeg,image/png,image/webp,application/pdf');
      expect(file.element.closest('label')?.textContent?.trim()).toBe('选择文件');
      w.unmount();
    });

    it('with a live camera, offers it beside the file input, and no input opens the camera directly', () => {
      mediaDevices(() => Promise.reject(new Error('not called')));
      const w = mount(IntakeMaterial, { props: { material: CORE, pages: [], errors: [], deficientDate: undefined }, global: { plugins: [testI18n('zh-CN')] } });
      expect(w.find('button.camera-button').text()).toBe('相机取景');
      expect(w.findAll('input[type="file"]').map((i) => i.attributes('capture'))).toEqual([undefined]);
      w.unmount();
      noMediaDevices();
    });

    it('when the camera is refused, closes the camera, says so and moves the focus to the file input', async () => {
      const getUserMedia = vi.fn(() => Promise.reject(Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' })));
      mediaDevices(getUserMedia);
      const w = mount(IntakeMaterial, { attachTo: document.body, props: { material: CORE, pages: [], errors: [], deficientDate: undefined }, global: { plugins: [testI18n('en')] } });
      await w.find('button.camera-button').trigger('click');
      await vi.waitFor(() => expect(w.find('.camera-problem').exists()).toBe(true));
      expect(getUserMedia).toHaveBeenCalledWith({ audio: false, video: expect.objectContaining({ facingMode: { ideal: 'environment' } }) });
      expect(w.find('.camera-problem').text()).toBe('The camera is not allowed: allow it in the browser, or use “Choose file”');
      await vi.waitFor(() => expect(w.find('dialog.camera').exists()).toBe(false));
      await vi.waitFor(() => expect(document.activeElement).toBe(w.find('input.file-input').element));
      // A file picked instead: the camera's complaint goes, it no longer applies.
      const input = w.find('input.file-input');
      Object.defineProperty(input.element, 'files', { value: [new File(['p'], 'p.jpg', { type: 'image/jpeg' })], configurable: true });
      await input.trigger('change');
      expect(w.find('.camera-problem').exists()).toBe(false);
      expect(w.emitted('files')).toHaveLength(1);
      w.unmount();
      noMediaDevices();
    });
  });
});
