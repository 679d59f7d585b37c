// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import { describe, expect, it } from 'vitest';
import { seededMatters } from '../../../sync-server/src/demo/seed';
import { testI18n } from '../../shared/i18n/test-support';
import MatterPicker from './MatterPicker.vue';

const district = seededMatters('district');

function picker() {
  return mount(MatterPicker, { props: { matters: district, current: undefined, invalid: false, modelValue: '' }, global: { plugins: [testI18n('zh-CN')] } });
}

describe('MatterPicker at district size', () => {
  it('the empty box lists every live matter', () => {
    const w = picker();
    const live = district.filter((m) => !m.retired).length;
    expect(w.findAll('#matter option').length).toBe(live + 1); // + the 请选择 row
    expect(w.find('[data-testid="more-matches"]').exists()).toBe(false);
  });

  it('a broad query shows its best 30 and says how many more there are; a narrow one shows all it finds', async () => {
    const w = picker();
    await w.find('#matter-search').setValue('许可');
    await nextTick();
    const options = w.findAll('#matter option:not([disabled])');
    expect(options.length).toBe(30);
    const more = w.find('[data-testid="more-matches"]');
    expect(more.exists()).toBe(true);
    const total = Number(/（(\d+)）/.exec(w.find('#matter option').text())?.[1]);
    expect(total).toBeGreaterThan(30);
    expect(more.text()).toContain(String(total - 30));

    await w.find('#matter-search').setValue('spjy');
    await nextTick();
    expect(w.findAll('#matter option:not([disabled])')[0]?.attributes('value')).toBe('food-business-licence');
    expect(w.find('[data-testid="more-matches"]').exists()).toBe(false);
  });
});
