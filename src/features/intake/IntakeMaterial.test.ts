// @vitest-environment happy-dom
/**
 * IntakeMaterial: one checklist material with its pages, the file picker, 容缺 and page warnings, in the
 * default language (zh-CN) and in English.
 */
import 'fake-indexeddb/auto';
import { mount, type VueWrapper } from '@vue/test-utils';
import { nextTick } from 'vue';
import { describe, expect, it } from 'vitest';
import type { Material } from '../../domain/catalog';
import type { DraftPage } from '../../storage/db';
import { msg, type Locale, type Msg } from '../../app/i18n/messages';
import { testI18n } from '../../app/i18n/test-support';
import IntakeMaterial from './IntakeMaterial.vue';

interface Props {
  material: Material;
  pages: DraftPage[];
  errors: Msg[];
  deficientDate: string | undefined;
}

const CORE: Material = { id: 'licence-application', name: '食品经营许可申请书', nameEn: 'Food business licence application', core: true, pages: 3 };
const NON_CORE: Material = { id: 'safety-officer-appointment', name: '食品安全总监、食品安全员任命文件', nameEn: 'Appointment of the food safety director / officer', core: false, pages: 1 };
const PDF_PAGE: DraftPage = { sha256: 'a'.repeat(64), bytes: 1234, type: 'application/pdf' };
const PDF_PAGE_2: DraftPage = { sha256: 'b'.repeat(64), bytes: 2345, type: 'application/pdf' };

const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

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
    const input = w.find('input[type="file"]');
    expect(input.attributes('accept')).toBe('image/jpeg,image/png,image/webp,application/pdf');
    expect(input.attributes('multiple')).toBeDefined();
    expect(input.attributes('aria-label')).toBe('食品经营许可申请书 拍照或选择文件');
    expect(w.find('.error').exists()).toBe(false);
    expect(render().find('.tag').text()).toBe('非核心');
  });

  it('speaks English when English is chosen: the catalog’s English name, labels and messages', () => {
    const w = render({ material: NON_CORE, errors: [msg('capture.notImageOrPdf', { name: 'scan.txt' })], pages: [{ ...PDF_PAGE, warnings: ['dark'] }] }, 'en');
    expect(w.find('.material-name').text()).toBe('Appointment of the food safety director / officer');
    expect(w.find('.tag').text()).toBe('non-core');
    expect(w.find('.file-button').text()).toBe('Photo or file');
    expect(w.find('input[type="file"]').attributes('aria-label')).toBe('Photo or file for Appointment of the food safety director / officer');
    expect(w.find('p.warning').text()).toBe('Page 1: The page looks dark: check that it is readable');
    expect(w.find('[role="alert"]').text()).toBe('“scan.txt” is not a JPEG/PNG/WebP image or a PDF');
    expect(w.text()).not.toMatch(/[\u3400-\u9fff]/);
    const empty = render({ material: NON_CORE }, 'en');
    expect(empty.find('.deficient').text()).toContain('Supply later');
  });

  it('emits the picked files on change; nothing for an empty pick', async () => {
    const w = render();
    const input = w.find('input[type="file"]');
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
    const w = render();
    const box = deficientBox(w);
    await box.setValue(true);
    const [[date]] = w.emitted('deficient') as [[string]];
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(date >= isoDay(1)).toBe(true);
    expect(date).toBe(isoDay(14)); // the default two-week 容缺 period
    await box.setValue(false);
    expect(w.emitted('deficient')?.[1]).toEqual([undefined]);
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
});
