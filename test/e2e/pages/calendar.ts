/**
 * The hall's calendar screen (/hall/calendar, also a tab of the admin console): load a year's holidays and
 * make-up working days. Labels are written out here, not read from the app's catalogs.
 */
import type { Page } from 'playwright-core';
import type { Locale } from './text';

const WORDS = {
  'zh-CN': { year: '年份', holidays: '法定节假日（放假日期）', workdays: '调休上班日', save: '保存该年' },
  en: { year: 'Year', holidays: 'Public holidays (days off)', workdays: 'Make-up working days', save: 'Save this year' },
} as const;

export class CalendarPage {
  private readonly words: (typeof WORDS)[Locale];
  constructor(
    private readonly page: Page,
    locale: Locale = 'zh-CN',
  ) {
    this.words = WORDS[locale];
  }

  async open(base: string): Promise<void> {
    await this.page.goto(`${base}/hall/calendar`);
    await this.page.getByTestId('calendar-coverage').waitFor();
  }

  coverage = () => this.page.getByTestId('calendar-coverage');
  problem = () => this.page.getByTestId('calendar-problem');
  /** The row of a loaded year in the list. */
  loaded = (year: number) => this.page.locator(`tr[data-year="${year}"]`);

  /** Fill in the form (dates one per line) and save. */
  async load(year: number, holidays: readonly string[], workdays: readonly string[] = []): Promise<void> {
    await this.page.getByLabel(this.words.year).fill(String(year));
    await this.page.getByLabel(this.words.holidays).fill(holidays.join('\n'));
    await this.page.getByLabel(this.words.workdays).fill(workdays.join('\n'));
    await this.page.getByRole('button', { name: this.words.save, exact: true }).click();
  }
}
