// @vitest-environment happy-dom
/**
 * HallClock: the promised-time clock as the hall reads it — running, finished (final figures, on time or late),
 * and due dates beyond the holiday data — in Chinese and in English.
 */
import { mount, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { Sla } from './hall-store';
import type { Locale } from '../../shared/i18n/messages';
import { testI18n } from '../../shared/i18n/test-support';
import HallClock from './HallClock.vue';

const RUNNING: Sla = {
  dueDate: '2026-12-11',
  legalDueDate: '2026-12-18',
  usedWorkingDays: 0,
  remainingWorkingDays: 5,
  paused: false,
  dueSoon: false,
  overdue: false,
  stopped: false,
  assumesWeekendsOnly: { dueDate: false, legalDueDate: false },
};

function render(sla: Sla | null, locale: Locale = 'zh-CN'): VueWrapper {
  return mount(HallClock, { props: { sla, promisedDays: 5, legalDays: 20 }, global: { plugins: [testI18n(locale)] } });
}

describe('HallClock', () => {
  it('while it runs: used and left', () => {
    const w = render(RUNNING);
    expect(w.find('[data-testid="sla-figures"]').text()).toBe('已用 0 · 剩余 5 个工作日');
    expect(w.find('[data-testid="sla-outcome"]').exists()).toBe(false);
    expect(w.find('.warning').exists()).toBe(false);
  });

  it('once the hall finished: used of promised and on time, not "0 used · 5 left"', () => {
    for (const [locale, figures, outcome] of [
      ['zh-CN', '用时 3 / 承诺 5 个工作日', '按时办结'],
      ['en', 'Took 3 of 5 promised working days', 'on time'],
    ] as const) {
      const w = render({ ...RUNNING, stopped: true, usedWorkingDays: 3, remainingWorkingDays: 2 }, locale);
      expect(w.find('[data-testid="sla"]').attributes('data-stopped')).toBe('true');
      expect(w.find('[data-testid="sla-figures"]').text()).toBe(figures);
      expect(w.find('[data-testid="sla-outcome"]').text()).toBe(outcome);
      expect(w.find('[data-testid="sla-outcome"]').attributes('data-state')).toBe('onTime');
    }
  });

  it('finished late says so, and no "overdue" badge of a running clock', () => {
    const w = render({ ...RUNNING, stopped: true, overdue: true, usedWorkingDays: 7, remainingWorkingDays: 0 }, 'en');
    expect(w.find('[data-testid="sla-outcome"]').attributes('data-state')).toBe('late');
    expect(w.find('[data-testid="sla-outcome"]').text()).toBe('late');
    expect(w.find('[data-testid="sla-figures"]').text()).toBe('Took 7 of 5 promised working days');
    expect(w.text()).not.toContain('Overdue');
  });

  it('a due date past the holiday data says it assumes weekends only, beside that date only, in both languages', () => {
    const sla: Sla = { ...RUNNING, legalDueDate: '2027-01-07', assumesWeekendsOnly: { dueDate: false, legalDueDate: true } };
    const zh = render(sla);
    expect(zh.find('[data-testid="weekends-only-due"]').exists()).toBe(false);
    expect(zh.find('[data-testid="weekends-only-legal"]').text()).toBe('仅按周末推算：2027 年法定节假日尚未载入，请人工核对');
    const en = render(sla, 'en');
    expect(en.find('[data-testid="weekends-only-legal"]').text()).toBe('Assumes weekends only: official holidays for 2027 are not loaded yet; check by hand');
    const both = render({ ...sla, dueDate: '2027-01-04', assumesWeekendsOnly: { dueDate: true, legalDueDate: true } }, 'en');
    expect(both.find('[data-testid="weekends-only-due"]').text()).toContain('2027');
  });

  it('before acceptance: the clock has not started', () => {
    expect(render(null, 'en').text()).toContain('The clock starts at acceptance');
  });
});
