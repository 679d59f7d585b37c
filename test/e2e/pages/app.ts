/** Page models: tests say what a user does; these say which controls that means. */
import type { Page } from 'playwright-core';

export class SignInPage {
  constructor(private readonly page: Page) {}

  async signIn(base: string, username: string, password = 'demo'): Promise<void> {
    await this.page.goto(`${base}/sign-in`);
    await this.page.getByLabel('用户名 Username').fill(username);
    await this.page.getByLabel('密码 Password').fill(password);
    await this.page.getByRole('button', { name: '登录 Sign in' }).click();
  }
}

export class IntakePage {
  constructor(private readonly page: Page) {}

  matter = () => this.page.locator('#matter');
  uscc = () => this.page.locator('#uscc');
  enterpriseName = () => this.page.locator('#enterprise-name');
  applicantName = () => this.page.locator('#applicant-name');
  idNumber = () => this.page.locator('#id-number');
  submitButton = () => this.page.getByRole('button', { name: '提交 Submit' });
  errorFor = (field: string) => this.page.locator(`#${field}-error`);

  async waitForCatalog(matterId: string): Promise<void> {
    await this.page.locator(`#matter option[value="${matterId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  }

  material(id: string) {
    return this.page.locator(`[data-material="${id}"]`);
  }

  /** 情景引导: pick an option of a guided question. */
  async answer(questionId: string, value: string): Promise<void> {
    await this.page.locator(`input[name="q-${questionId}"][value="${value}"]`).check();
  }

  async attach(materialId: string, file: string): Promise<void> {
    await this.material(materialId).locator('input[type=file]').setInputFiles(file);
  }

  async pageCount(materialId: string): Promise<number> {
    return this.material(materialId).locator('li.page').count();
  }
}

export class OutboxPage {
  constructor(private readonly page: Page) {}

  item(receiptNo: string) {
    return this.page.locator(`[data-testid="outbox-item"][data-receipt="${receiptNo}"]`);
  }
}

export class HallQueuePage {
  constructor(private readonly page: Page) {}

  item(receiptNo: string) {
    return this.page.locator(`[data-testid="queue-item"][data-receipt="${receiptNo}"]`);
  }
}
