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

export class HallRecordPage {
  constructor(private readonly page: Page) {}

  state = () => this.page.getByTestId('record-state');

  async open(base: string, submissionUlid: string): Promise<void> {
    await this.page.goto(`${base}/hall/submissions/${submissionUlid}`);
    await this.state().waitFor();
  }

  async requestCorrection(materialIds: string[], reason: string): Promise<void> {
    for (const id of materialIds) await this.page.locator(`.decide input[type=checkbox][value="${id}"]`).check();
    await this.page.locator('#reason').fill(reason);
    await this.page.getByRole('button', { name: '要求补正 Request correction' }).click();
  }

  async accept(): Promise<void> {
    await this.page.getByRole('button', { name: '受理 Accept' }).click();
  }

  async dispatch(departments: string[]): Promise<void> {
    for (const d of departments) await this.page.locator(`.decide input[type=checkbox][value="${d}"]`).check();
    await this.page.getByRole('button', { name: '分送 Dispatch' }).click();
  }

  async departmentApproves(department: string): Promise<void> {
    await this.page.locator(`[data-department="${department}"]`).getByRole('button', { name: '同意 Approve' }).click();
  }

  async issue(): Promise<void> {
    await this.page.getByRole('button', { name: '发证 Issue' }).click();
  }

  async deliver(method: 'post' | 'locker' | 'pickup', reference: string): Promise<void> {
    await this.page.locator('#method').selectOption(method);
    await this.page.locator('#reference').fill(reference);
    await this.page.getByRole('button', { name: '送达 Deliver' }).click();
  }
}

export class DeviceSubmissionPage {
  constructor(private readonly page: Page) {}

  state = () => this.page.getByTestId('state');
  timelineActions = async (): Promise<string[]> =>
    this.page.locator('[data-testid="device-timeline"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action') ?? ''));

  async open(base: string, submissionUlid: string): Promise<void> {
    await this.page.goto(`${base}/outbox/${submissionUlid}`);
  }

  async supplementPage(materialId: string, file: string): Promise<void> {
    await this.page.locator(`[data-material="${materialId}"] input[type=file]`).setInputFiles(file);
  }

  async sendSupplement(): Promise<void> {
    await this.page.getByRole('button', { name: '提交补正 Send supplement' }).click();
  }
}
