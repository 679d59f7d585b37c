/**
 * Page models: tests say what a user does; these say which controls that means, in the language the device
 * shows (`locale`, Chinese by default), and read states from the screens' data attributes, not their words.
 */
import type { Locator, Page } from 'playwright-core';
import { MESSAGES, UI, type Locale, type Messages, type UiText } from './text';

export { MESSAGES, UI, LOCALES, type Locale, type Messages, type UiText } from './text';

/** The state a badge shows (its `data-state`: a submission state, or the sync phase). */
export const stateOf = (badge: Locator): Promise<string | null> => badge.getAttribute('data-state');

abstract class Screen {
  protected readonly text: UiText;
  /** What this screen says to staff, in its language (for tests whose point is the wording). */
  readonly says: Messages;
  constructor(
    protected readonly page: Page,
    readonly locale: Locale = 'zh-CN',
  ) {
    this.text = UI[locale];
    this.says = MESSAGES[locale];
  }
}

/** The app's frame: header (sync status, language, sign-out) and main navigation. */
export class AppShell extends Screen {
  syncStatus = () => this.page.getByTestId('sync-status');
  /** The sync phase: offline, syncing, idle (up to date), unauthorized, error. */
  syncPhase = (): Promise<string | null> => stateOf(this.syncStatus());
  nav = (name: 'navIntake' | 'navOutbox' | 'navBookings' | 'navDashboard') => this.page.getByRole('navigation').getByRole('link', { name: this.text[name], exact: true });
  signInAgain = () => this.page.getByRole('link', { name: this.text.signInAgain });
  signOut = () => this.page.getByRole('button', { name: this.text.signOut });
  updateButton = () => this.page.getByRole('button', { name: this.text.updateNow, exact: true });
}

export class SignInPage extends Screen {
  async signIn(base: string, username: string, password = 'demo'): Promise<void> {
    await this.page.goto(`${base}/sign-in`);
    await this.page.getByLabel(this.text.username, { exact: true }).fill(username);
    await this.page.getByLabel(this.text.password, { exact: true }).fill(password);
    await this.page.getByRole('button', { name: this.text.signIn, exact: true }).click();
  }
}

export class IntakePage extends Screen {
  matter = () => this.page.locator('#matter');
  uscc = () => this.page.locator('#uscc');
  enterpriseName = () => this.page.locator('#enterprise-name');
  enterpriseAddress = () => this.page.locator('#enterprise-address');
  legalRepresentative = () => this.page.locator('#legal-representative');
  contactName = () => this.page.locator('#contact-name');
  contactPhone = () => this.page.locator('#contact-phone');
  applicantName = () => this.page.locator('#applicant-name');
  idNumber = () => this.page.locator('#id-number');
  submitButton = () => this.page.getByRole('button', { name: this.text.submit, exact: true });
  printReceiptLink = () => this.page.getByRole('link', { name: this.text.printReceipt, exact: true });
  nextIntakeButton = () => this.page.getByRole('button', { name: this.text.nextIntake });
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
    await this.material(materialId).locator('input.file-input').setInputFiles(file);
  }

  async pageCount(materialId: string): Promise<number> {
    return this.material(materialId).locator('li.page').count();
  }
}

export class OutboxPage extends Screen {
  item(receiptNo: string) {
    return this.page.locator(`[data-testid="outbox-item"][data-receipt="${receiptNo}"]`);
  }

  /** The submission's state as the device knows it (received, accepted, …). */
  state = (receiptNo: string): Promise<string | null> => stateOf(this.item(receiptNo).getByTestId('state'));
  /** Its sync progress: offline (waiting for the network), uploading, waiting, sent, synced, refused, pageRefused. */
  sync = (receiptNo: string): Promise<string | null> => this.item(receiptNo).getByTestId('sync-state').getAttribute('data-sync');
  /** When the device last synced (ISO), or null before its first sync. */
  /** The 容缺 reminder on the card (absent when nothing is owed). */
  owed = (receiptNo: string) => this.item(receiptNo).getByTestId('owed');
  lastSyncAt = (): Promise<string | null> => this.page.getByTestId('last-sync').getAttribute('data-at');
  /** The sync log's phases, newest first (the log is opened). */
  async logPhases(): Promise<string[]> {
    const log = this.page.getByTestId('sync-log');
    if (!(await log.evaluate((el) => (el as HTMLDetailsElement).open))) await log.locator('summary').click();
    return this.page.getByTestId('sync-log-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-phase') ?? ''));
  }
}

export class HallQueuePage extends Screen {
  item(receiptNo: string) {
    return this.page.locator(`[data-testid="queue-item"][data-receipt="${receiptNo}"]`);
  }
  /** The station filter, chosen by the station's name as the screen shows it (empty = all). */
  async filterStation(name: string | null): Promise<void> {
    const select = this.page.getByTestId('filter-station');
    await (name === null ? select.selectOption('') : select.selectOption({ label: name }));
  }
  /** The station column of a row (a name, not an id). */
  stationOf = (receiptNo: string): Promise<string> => this.item(receiptNo).locator('td').nth(3).innerText();
}

export class HallRecordPage extends Screen {
  state = () => this.page.getByTestId('record-state');
  /** The submission's state as the hall sees it. */
  stateName = (): Promise<string | null> => stateOf(this.state());
  answers = (): Promise<string[]> => this.page.locator('[data-testid="record-answers"] li').allInnerTexts();
  station = (): Promise<string> => this.page.getByTestId('record-station').innerText();
  /** The clock: stopped (final figures) or running, and its figures' wording. */
  clockStopped = async (): Promise<boolean> => (await this.page.getByTestId('sla').getAttribute('data-stopped')) === 'true';
  clockOutcome = (): Promise<string | null> => this.page.getByTestId('sla-outcome').getAttribute('data-state');
  clockFigures = (): Promise<string> => this.page.getByTestId('sla-figures').innerText();
  /** A dispatched department's decision (pending, approved, denied) and how the screen names it. */
  departmentDecision = (department: string): Promise<string | null> => this.page.locator(`[data-department="${department}"]`).getAttribute('data-decision');
  departmentText = (department: string): Promise<string> => this.page.locator(`[data-department="${department}"]`).innerText();
  departmentDenyReason = (department: string) => this.page.locator(`#deny-reason-${department}`);
  departmentDenyButton = (department: string) => this.page.locator(`[data-department="${department}"]`).getByRole('button', { name: this.text.departmentDeny, exact: true });
  correctionReason = () => this.page.locator('#reason');
  /** The decision panel and the materials, for where they sit on screen. */
  decisionPanel = () => this.page.locator('.record-side');
  materials = () => this.page.locator('.record-materials');

  async open(base: string, submissionUlid: string): Promise<void> {
    await this.page.goto(`${base}/hall/submissions/${submissionUlid}`);
    await this.state().waitFor();
  }

  /** Ticks each material by clicking its name (the label), as an officer does. */
  async requestCorrection(materialIds: string[], reason: string): Promise<void> {
    for (const id of materialIds) await this.page.locator(`label[for="correct-${id}"]`).click();
    await this.correctionReason().fill(reason);
    await this.page.getByRole('button', { name: this.text.requestCorrection, exact: true }).click();
  }

  async accept(): Promise<void> {
    await this.page.getByRole('button', { name: this.text.accept, exact: true }).click();
  }

  /** Ticks each department by clicking its name (the label). */
  async dispatch(departments: string[]): Promise<void> {
    for (const d of departments) await this.page.locator(`label[for="dispatch-${d}"]`).click();
    await this.page.getByRole('button', { name: this.text.dispatch, exact: true }).click();
  }

  async departmentApproves(department: string): Promise<void> {
    await this.page.locator(`[data-department="${department}"]`).getByRole('button', { name: this.text.departmentApprove, exact: true }).click();
  }

  async issue(): Promise<void> {
    await this.page.getByRole('button', { name: this.text.issue, exact: true }).click();
  }

  async deliver(method: 'post' | 'locker' | 'pickup', reference: string): Promise<void> {
    await this.page.locator('#method').selectOption(method);
    await this.page.locator('#reference').fill(reference);
    await this.page.getByRole('button', { name: this.text.deliver, exact: true }).click();
  }

  // The page viewer: thumbnails of one material, a lightbox that runs through every page of the record.
  /** `rendered` once a PDF's first page is drawn (`loading`, `failed`), per PDF thumbnail in order. */
  pdfThumbnailStates = (): Promise<string[]> => this.page.locator('.pdf-thumb').evaluateAll((els) => els.map((el) => el.getAttribute('data-state') ?? ''));
  lightboxTitle = (): Promise<string> => this.page.getByTestId('lightbox-title').innerText();
  async openFirstPage(): Promise<void> {
    await this.materials().locator('button.thumb').first().click();
  }
  async nextPage(): Promise<void> {
    await this.page.getByTestId('lightbox').getByRole('button', { name: this.text.viewerNext, exact: true }).click();
  }
  async previousPage(): Promise<void> {
    await this.page.getByTestId('lightbox').getByRole('button', { name: this.text.viewerPrevious, exact: true }).click();
  }
  nextPageDisabled = (): Promise<boolean> => this.page.getByTestId('lightbox').getByRole('button', { name: this.text.viewerNext, exact: true }).isDisabled();
  async closeViewer(): Promise<void> {
    await this.page.getByTestId('lightbox').getByRole('button', { name: this.text.viewerClose, exact: true }).click();
  }
}

export class DeviceSubmissionPage extends Screen {
  state = () => this.page.getByTestId('state');
  /** The submission's state as the device knows it. */
  stateName = (): Promise<string | null> => stateOf(this.state());
  timelineActions = async (): Promise<string[]> =>
    this.page.locator('[data-testid="device-timeline"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action') ?? ''));

  async open(base: string, submissionUlid: string): Promise<void> {
    await this.page.goto(`${base}/outbox/${submissionUlid}`);
  }

  async supplementPage(materialId: string, file: string): Promise<void> {
    await this.page.locator(`[data-material="${materialId}"] input.file-input`).setInputFiles(file);
  }

  /** Send pages the hall asked for (补正). */
  async sendSupplement(): Promise<void> {
    await this.page.getByRole('button', { name: this.text.sendSupplement, exact: true }).click();
  }

  /** The button that sends pages promised at intake (容缺), when no 补正 is open. */
  sendDeficientButton = () => this.page.getByRole('button', { name: this.text.sendDeficient, exact: true });
  /** The pages taken so far for `materialId`, as tiles. */
  supplementTiles = (materialId: string) => this.page.locator(`[data-material="${materialId}"] li.supplement-page`);
  /** What became of the pages sent: the message key (submission.saved offline, supplementForm.sending / sent online). */
  supplementMessage = (): Promise<string | null> => this.page.getByTestId('supplement-message').getAttribute('data-message');
}

/** A file made in the test, for `setInputFiles`. */
export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}
/** What a file picker can be given: paths, or files made in the test. */
export type PickedFiles = string | readonly string[] | FilePayload | readonly FilePayload[];

/** The parts of the intake form beyond the basics: the checklist legend, 容缺, the signature pad, page refusals. */
export class IntakeChecklistPage extends Screen {
  legend = () => this.page.locator('legend', { hasText: this.text.checklist });
  /** The error line of the 告知承诺 (commitment) fieldset. */
  commitmentError = () => this.page.locator('fieldset').filter({ has: this.page.locator('legend', { hasText: new RegExp(`^${this.text.commitment}$`) }) }).locator('.error');
  deficientCount = () => this.page.getByTestId('deficient-count');
  signatureCanvas = () => this.page.locator('[data-testid="signature-canvas"]');
  signatureDone = () => this.page.getByTestId('signature-done');
  materialError = (materialId: string) => this.page.locator(`[data-material="${materialId}"] .error`);
  deficientBox = (materialId: string) => this.page.locator(`[data-material="${materialId}"] .deficient input[type=checkbox]`);

  /** N in the legend "材料清单 · N" ("Checklist · N"). */
  async count(): Promise<number> {
    const text = (await this.legend().textContent()) ?? '';
    return Number(/·\s*(\d+)/.exec(text)?.[1] ?? Number.NaN);
  }

  /** The ids of the materials the checklist shows, in order. */
  async materialIds(): Promise<string[]> {
    return this.page.locator('[data-material]').evaluateAll((els) => els.map((el) => el.getAttribute('data-material') ?? ''));
  }

  async attachFiles(materialId: string, files: PickedFiles): Promise<void> {
    await this.page.locator(`[data-material="${materialId}"] input.file-input`).setInputFiles(files);
  }

  /** Tick "容缺，后补" and set the promised due date (YYYY-MM-DD). */
  async markDeficient(materialId: string, dueDate: string): Promise<void> {
    await this.page.locator(`[data-material="${materialId}"]`).getByText(this.text.supplyLater, { exact: true }).click();
    const due = this.page.locator(`#due-${materialId}`);
    await due.fill(dueDate);
  }

  /** Two pen strokes on the signature pad with the mouse, then "确认签名" (confirm). */
  async sign(): Promise<void> {
    const canvas = this.signatureCanvas();
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('signature canvas is not visible');
    const at = (fx: number, fy: number): [number, number] => [box.x + box.width * fx, box.y + box.height * fy];
    const strokes: [number, number][][] = [
      [at(0.1, 0.6), at(0.2, 0.3), at(0.3, 0.7), at(0.4, 0.35), at(0.5, 0.65)],
      [at(0.55, 0.5), at(0.7, 0.3), at(0.8, 0.6), at(0.9, 0.4)],
    ];
    for (const stroke of strokes) {
      const [first, ...rest] = stroke;
      if (!first) continue;
      await this.page.mouse.move(...first);
      await this.page.mouse.down();
      for (const point of rest) await this.page.mouse.move(...point, { steps: 6 });
      await this.page.mouse.up();
    }
    await this.page.getByRole('button', { name: this.text.confirmSignature, exact: true }).click();
    await this.signatureDone().waitFor();
  }
}

/** The printable 回执 at /receipt/<id>. */
export class ReceiptPage extends Screen {
  sheet = () => this.page.getByTestId('printable-receipt');
  receiptNo = () => this.sheet().getByTestId('receipt-no');
  pickupCode = () => this.sheet().getByTestId('pickup-code');
  qrSvg = () => this.page.locator('[data-testid="receipt-qr"] svg');
  row = (materialName: string) => this.sheet().locator('tbody tr', { hasText: materialName });
  appHeader = () => this.page.locator('header.top');
  printA4Button = () => this.page.getByRole('button', { name: this.text.printA4, exact: true });
}

/** The hall's own figures (5×100 %): period, figure cards with their definitions, tables, CSV export. */
export class FiveFiguresPage extends Screen {
  open = (base: string): Promise<unknown> => this.page.goto(`${base}/hall/figures`);
  report = () => this.page.getByTestId('report');
  /** The period the figures on screen are for, `from/to`. */
  shownPeriod = (): Promise<string | null> => this.report().getAttribute('data-period');
  setPeriod = async (from: string, to: string): Promise<void> => {
    await this.page.getByTestId('period-from').fill(from);
    await this.page.getByTestId('period-to').fill(to);
    await this.page.getByTestId('period-show').click();
  };
  card = (id: string) => this.page.locator(`.figure[data-figure="${id}"]`);
  value = async (id: string): Promise<string> => ((await this.card(id).getByTestId('figure-value').textContent()) ?? '').trim();
  /** Every card's value, in screen order: [figure id, text]. */
  values = (): Promise<[string, string][]> =>
    this.page.locator('.figure[data-figure]').evaluateAll((cards) => cards.map((c) => [c.getAttribute('data-figure') ?? '', c.querySelector('[data-testid="figure-value"]')?.textContent?.trim() ?? ''] as [string, string]));
  definition = (id: string) => this.page.getByTestId(`definition-${id}`);
  openDefinition = (id: string): Promise<void> => this.definition(id).locator('summary').click();
  /** A table's rows as their cells' text, header cell first. */
  rows = (kind: 'station' | 'matter'): Promise<string[][]> =>
    this.page.getByTestId(`by-${kind}`).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim() ?? '')));
  exportCsv = () => this.page.getByTestId('export-csv');
}
