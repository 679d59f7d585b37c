/** Plain-language names of states and actions for station staff (zh-CN with English). */
export const STATE_LABELS: Record<string, string> = {
  submitted: '已提交 Submitted',
  received: '大厅已收到 Received by hall',
  accepted: '已受理 Accepted',
  correctionRequested: '需补正 Correction requested',
  rejected: '不予受理 Rejected',
  withdrawn: '已撤回 Withdrawn',
  dispatched: '并联审批中 With departments',
  approved: '审批通过 Approved',
  denied: '不予许可 Denied',
  issued: '已发证 Issued',
  delivered: '已送达 Delivered',
  rated: '已评价 Rated',
};

export const ACTION_LABELS: Record<string, string> = {
  submit: '提交 Submitted',
  receive: '大厅收到 Received by hall',
  withdraw: '撤回 Withdrawn',
  accept: '受理 Accepted',
  requestCorrection: '要求补正 Correction requested',
  reject: '不予受理 Rejected',
  supplement: '补交材料 Supplemented',
  dispatch: '分送部门 Sent to departments',
  departmentDecision: '部门意见 Department decision',
  approve: '审批通过 Approved',
  deny: '不予许可 Denied',
  autoApprove: '秒批 Auto-approved',
  issue: '发证 Certificate issued',
  deliver: '送达 Delivered',
  rate: '评价 Rated',
};
