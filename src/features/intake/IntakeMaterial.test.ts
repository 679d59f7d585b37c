// @vitest-environment happy-dom
/**
 * IntakeMaterial: one checklist material with its pages, the file picker, 容缺 and page warnings.
 *
 * The unit-test config (vitest.config.ts) has no Vue plugin, so a `.vue` file cannot be imported here. The
 * component is compiled from its real source with Vue's own SFC compiler (what @vitejs/plugin-vue runs) and
 * its imports are bound to the very modules this test imports. Once vitest.config.ts gains `plugins: [vue()]`,
 * `loadComponent()` can become `import IntakeMaterial from './IntakeMaterial.vue'`.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import * as vue from 'vue';
import { compileScript, parse } from 'vue/compiler-sfc';
import { mount, type VueWrapper } from '@vue/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Material } from '../../domain/catalog';
import * as storage from '../../storage/db';
import type { DraftPage } from '../../storage/db';

interface Props {
  material: Material;
  pages: DraftPage[];
  error: string;
  deficientDate: string | undefined;
}

/** Compile IntakeMaterial.vue (script setup + inline template, TypeScript stripped) into a component. */
function loadComponent(): vue.Component {
  const file = path.join(import.meta.dirname, 'IntakeMaterial.vue');
  const { descriptor, errors } = parse(readFileSync(file, 'utf8'), { filename: file });
  if (errors.length) throw new Error(`cannot parse IntakeMaterial.vue: ${errors.map(String).join('; ')}`);
  const script = compileScript(descriptor, { id: 'intake-material-test', inlineTemplate: true });
  const js = ts.transpileModule(script.content, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const deps: Record<string, unknown> = { vue, '../../storage/db': storage };
  const body = js
    .replace(/^import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"];?\s*$/gm, (_all, names: string, spec: string) => {
      if (!(spec in deps)) throw new Error(`IntakeMaterial.vue imports ${spec}: add it to the test's deps`);
      return `const {${names.replace(/\s+as\s+/g, ': ')}} = __deps[${JSON.stringify(spec)}];`;
    })
    .replace(/^export default\s+/m, 'return ');
  if (/^\s*(import|export)\s/m.test(body)) throw new Error(`unexpected import/export left in the compiled component:\n${body}`);
  return new Function('__deps', body)(deps) as vue.Component;
}

let IntakeMaterial: vue.Component;
beforeAll(() => {
  IntakeMaterial = loadComponent();
});

const CORE: Material = { id: 'licence-application', name: '食品经营许可申请书', nameEn: 'Food business licence application', core: true, pages: 3 };
const NON_CORE: Material = { id: 'safety-officer-appointment', name: '食品安全总监、食品安全员任命文件', nameEn: 'Appointment of the food safety director / officer', core: false, pages: 1 };
const PDF_PAGE: DraftPage = { sha256: 'a'.repeat(64), bytes: 1234, type: 'application/pdf' };
const PDF_PAGE_2: DraftPage = { sha256: 'b'.repeat(64), bytes: 2345, type: 'application/pdf' };

const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function render(props: Partial<Props> = {}): VueWrapper {
  return mount(IntakeMaterial, { props: { material: NON_CORE, pages: [], error: '', deficientDate: undefined, ...props } });
}

const deficientBox = (w: VueWrapper) => w.find('.deficient input[type="checkbox"]');

describe('IntakeMaterial', () => {
  it('renders the material: name, English name, core tag, pages and a file picker', async () => {
    const w = render({ material: CORE, pages: [PDF_PAGE, PDF_PAGE_2] });
    await vue.nextTick();
    expect(w.attributes('data-material')).toBe('licence-application');
    expect(w.find('.material-name').text()).toBe('食品经营许可申请书');
    expect(w.text()).toContain('Food business licence application');
    expect(w.find('.tag').text()).toBe('核心 core');
    expect(w.findAll('li.page')).toHaveLength(2);
    expect(w.findAll('li.page .pdf').map((x) => x.text())).toEqual(['PDF', 'PDF']);
    const input = w.find('input[type="file"]');
    expect(input.attributes('accept')).toBe('image/jpeg,image/png,image/webp,application/pdf');
    expect(input.attributes('multiple')).toBeDefined();
    expect(input.attributes('aria-label')).toBe('食品经营许可申请书 拍照或选择文件');
    expect(w.find('.error').exists()).toBe(false);
    expect(render().find('.tag').text()).toBe('非核心 non-core');
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
    expect(w.find('.deficient').text()).toContain('容缺，后补 Supply later');
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
    expect(w.find(`label[for="due-${NON_CORE.id}"]`).text()).toContain('补交日期 Due date');
    expect((picker.element as HTMLInputElement).value).toBe(due);
    expect(picker.attributes('min')).toBe(isoDay(1));
    await picker.setValue(isoDay(20));
    expect(w.emitted('deficient')).toEqual([[isoDay(20)]]);
  });

  it('shows quality warnings per page, and a badge on the page', () => {
    const w = render({
      material: CORE,
      pages: [PDF_PAGE, { ...PDF_PAGE_2, warnings: ['页面可能模糊，请确认文字清晰 (page may be blurred)', '页面偏暗，请确认可读 (page looks dark)'] }],
    });
    expect(w.findAll('p.warning').map((p) => p.text())).toEqual([
      '第2页 Page 2: 页面可能模糊，请确认文字清晰 (page may be blurred)',
      '第2页 Page 2: 页面偏暗，请确认可读 (page looks dark)',
    ]);
    const pages = w.findAll('li.page');
    expect(pages[0]?.find('.warn-badge').exists()).toBe(false);
    expect(pages[1]?.find('.warn-badge').attributes('title')).toContain('page may be blurred');
    expect(render({ pages: [PDF_PAGE] }).find('p.warning').exists()).toBe(false);
  });

  it('shows a refusal message as an alert', () => {
    const w = render({ error: '“scan.txt” 不是 JPEG/PNG/WebP 图片或 PDF (not an image or PDF)' });
    expect(w.find('[role="alert"]').text()).toContain('not an image or PDF');
  });
});
