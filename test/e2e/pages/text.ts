/**
 * The words of the controls the page models use, in each language the app speaks. Written out here, not read
 * from the app's catalogs, so a wrong label in the app still fails a test.
 */
export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

const zh = {
  username: '用户名',
  password: '密码',
  signIn: '登录',
  signInAgain: '重新登录',
  signOut: '退出',
  updateNow: '更新',
  navIntake: '新建代收',
  navOutbox: '发件箱',
  navBookings: '预约',
  navDashboard: '看板',
  submit: '提交',
  nextIntake: '继续代收',
  printReceipt: '打印回执',
  printA4: '打印 A4',
  /** The checklist's legend, "材料清单 · N". */
  checklist: '材料清单',
  commitment: '告知承诺',
  supplyLater: '容缺，后补',
  confirmSignature: '确认签名',
  cameraTake: '拍摄',
  cameraDone: '完成',
  cameraFromFile: '改用文件',
  sendSupplement: '提交补正',
  sendDeficient: '提交容缺材料',
  accept: '受理',
  requestCorrection: '要求补正',
  dispatch: '分送',
  departmentApprove: '同意',
  departmentDeny: '不同意',
  issue: '发证',
  deliver: '送达',
  bookHelp: '预约服务',
  book: '预约',
  arrived: '已到',
  startIntake: '开始代收',
  submitRating: '提交评价',
  // The hall's page viewer.
  viewerNext: '下一页',
  viewerPrevious: '上一页',
  viewerClose: '关闭',
};

export type UiText = typeof zh;

const en: UiText = {
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signInAgain: 'Sign in again',
  signOut: 'Sign out',
  updateNow: 'Update now',
  navIntake: 'Intake',
  navOutbox: 'Outbox',
  navBookings: 'Bookings',
  navDashboard: 'Dashboard',
  submit: 'Submit',
  nextIntake: 'Next intake',
  printReceipt: 'Print receipt',
  printA4: 'Print A4',
  checklist: 'Checklist',
  commitment: 'Commitment',
  supplyLater: 'Supply later (deficient)',
  confirmSignature: 'Confirm signature',
  cameraTake: 'Take photo',
  cameraDone: 'Done',
  cameraFromFile: 'Use a file instead',
  sendSupplement: 'Send supplement',
  sendDeficient: 'Send deficient material',
  accept: 'Accept',
  requestCorrection: 'Request correction',
  dispatch: 'Dispatch',
  departmentApprove: 'Approve',
  departmentDeny: 'Deny',
  issue: 'Issue',
  deliver: 'Deliver',
  bookHelp: 'Book help',
  book: 'Book',
  arrived: 'Arrived',
  startIntake: 'Start intake',
  submitRating: 'Submit rating',
  // The hall's page viewer.
  viewerNext: 'Next page',
  viewerPrevious: 'Previous page',
  viewerClose: 'Close',
};

export const UI: Record<Locale, UiText> = { 'zh-CN': zh, en };

/** Messages the screens show staff, where the wording is what a test checks (parts of them, by language). */
export interface Messages {
  /** A code does not check out (USCC, ID number): compare it with the document; no check character offered. */
  checkDigit: string;
  notImageOrPdf: string;
  tooLarge(mb: number): string;
  contactPhone: string;
  signCommitment: string;
  cameraDenied: string;
  profilePrefilled: string;
  storageFull: string;
  trackNotFound: string;
  lastSync: string;
  pagesTaken(n: number): string;
  deficientOutstanding(n: number): string;
  /** The outbox card of a submission whose pages wait for the network. */
  waitingForNetwork(done: number, total: number): string;
  /** The file input of a material (no `capture`: gallery and PDFs). */
  chooseFileFor(name: string): string;
}

export const MESSAGES: Record<Locale, Messages> = {
  'zh-CN': {
    checkDigit: '核对不上，可能有字符输错：请对照证照原件逐位核对',
    notImageOrPdf: '不是 JPEG/PNG/WebP 图片或 PDF',
    tooLarge: (mb) => `超过 ${mb} MB 上限`,
    contactPhone: '联系电话应为手机号或带区号的固定电话',
    signCommitment: '签署告知承诺',
    cameraDenied: '未获准使用相机：请在浏览器中允许使用相机，或改用“选择文件”',
    profilePrefilled: '已按该企业上次代收的信息预填',
    storageFull: '设备存储已满',
    trackNotFound: '不正确',
    lastSync: '最近一次成功同步',
    pagesTaken: (n) => `已拍 ${n} 页`,
    deficientOutstanding: (n) => `容缺 ${n} 项待补`,
    waitingForNetwork: (done, total) => `待联网 ${done}/${total}`,
    chooseFileFor: (name) => `${name} 选择文件（图片或 PDF）`,
  },
  en: {
    checkDigit: 'does not check out, a character may be mistyped; compare it character by character with the licence or ID card',
    notImageOrPdf: 'is not a JPEG/PNG/WebP image or a PDF',
    tooLarge: (mb) => `is over the ${mb} MB limit`,
    contactPhone: 'The contact phone must be a mobile number or a landline with its area code',
    signCommitment: 'must sign the commitment',
    cameraDenied: 'The camera is not allowed: allow it in the browser, or use “Choose file”',
    profilePrefilled: 'Filled in from this enterprise’s last intake',
    storageFull: 'Device storage is full',
    trackNotFound: 'No submission matches',
    lastSync: 'Last successful sync',
    pagesTaken: (n) => `${n} page${n === 1 ? '' : 's'} taken`,
    deficientOutstanding: (n) => `${n} deficient material${n === 1 ? '' : 's'} outstanding`,
    waitingForNetwork: (done, total) => `Waiting for network ${done}/${total}`,
    chooseFileFor: (name) => `Choose a file (image or PDF) for ${name}`,
  },
};
