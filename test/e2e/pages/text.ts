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
  accept: '受理',
  requestCorrection: '要求补正',
  dispatch: '分送',
  departmentApprove: '同意',
  issue: '发证',
  deliver: '送达',
  bookHelp: '预约服务',
  book: '预约',
  arrived: '已到',
  startIntake: '开始代收',
  submitRating: '提交评价',
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
  accept: 'Accept',
  requestCorrection: 'Request correction',
  dispatch: 'Dispatch',
  departmentApprove: 'Approve',
  issue: 'Issue',
  deliver: 'Deliver',
  bookHelp: 'Book help',
  book: 'Book',
  arrived: 'Arrived',
  startIntake: 'Start intake',
  submitRating: 'Submit rating',
};

export const UI: Record<Locale, UiText> = { 'zh-CN': zh, en };
