/**
 * Page models of catalog authoring: the Catalog screen's matter editor (form, preview, problems, publish) and
 * the admin console's catalog-permission switch. Controls are found by their ids and test ids, so the models
 * work in either language; states come from `data-state` attributes.
 */
import type { Page } from 'playwright-core';

export class CatalogPage {
  constructor(private readonly page: Page) {}

  navLink = () => this.page.getByTestId('nav-catalog');
  version = async (): Promise<number> => Number(await this.page.getByTestId('catalog-version').getAttribute('data-state'));
  listed = (id: string) => this.page.locator(`[data-testid="matter-list"] tr[data-matter="${id}"]`);
  newMatter = () => this.page.getByTestId('new-matter');
  field = (id: string) => this.page.locator(`#${id}`);
  publishButton = () => this.page.getByTestId('publish-matter');
  done = () => this.page.getByTestId('catalog-done');
  /** `valid` or `invalid`: whether the draft passes every check publishing runs. */
  draftState = (): Promise<string | null> => this.page.getByTestId('draft-problems').getAttribute('data-state');
  problems = (): Promise<string[]> => this.page.locator('[data-testid="draft-problems"] li').allTextContents();

  async addQuestion(n: number, q: { id: string; text: string; textEn: string }): Promise<void> {
    await this.page.getByTestId('add-question').click();
    await this.field(`q${n}-id`).fill(q.id);
    await this.field(`q${n}-text`).fill(q.text);
    await this.field(`q${n}-text-en`).fill(q.textEn);
  }

  async fillMaterial(n: number, m: { id: string; name: string; nameEn: string; core: boolean; pages?: number }): Promise<void> {
    await this.field(`mt${n}-id`).fill(m.id);
    await this.field(`mt${n}-name`).fill(m.name);
    await this.field(`mt${n}-name-en`).fill(m.nameEn);
    await this.field(`mt${n}-core`).setChecked(m.core);
    if (m.pages) await this.field(`mt${n}-pages`).fill(String(m.pages));
  }

  async addMaterial(n: number, m: { id: string; name: string; nameEn: string; core: boolean }): Promise<void> {
    await this.page.getByTestId('add-material').click();
    await this.fillMaterial(n, m);
  }

  /** The material is needed only when `question` is answered `option`. */
  async neededWhen(n: number, question: string, option: string): Promise<void> {
    await this.field(`mt${n}-when`).selectOption('equals');
    await this.field(`mt${n}-when-question`).selectOption(question);
    await this.field(`mt${n}-when-option`).selectOption(option);
  }

  /** 秒批 rule: the answer to `question` must be one of `options`. */
  async addAnswerRule(n: number, question: string, options: string[]): Promise<void> {
    await this.page.getByTestId('add-answer-rule').click();
    await this.field(`r${n}-question`).selectOption(question);
    for (const o of options) await this.page.locator(`[data-rule="${n}"] input[data-value="${o}"]`).check();
  }

  /** Answer a question in the preview (the intake as a station sees it). */
  async previewAnswer(question: string, option: string): Promise<void> {
    await this.page.locator(`[data-testid="preview"] input[name="pq-${question}"][value="${option}"]`).check();
  }

  previewChecklist = (): Promise<string[]> =>
    this.page.locator('[data-testid="preview-checklist"] [data-material]').evaluateAll((els) => els.map((el) => el.getAttribute('data-material') ?? ''));
}

export class AccountsPanel {
  constructor(private readonly page: Page) {}
  tab = (name: string) => this.page.getByRole('tab', { name, exact: true });
  catalogPermission = (username: string) => this.page.getByTestId(`catalog-permission-${username}`);
}
