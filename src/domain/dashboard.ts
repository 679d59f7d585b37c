/** The hall dashboard's figures: the contract between `GET /api/hall/dashboard` and the hall's view. */
export interface Dashboard {
  today: string;
  byState: Record<string, number>;
  byStation: Record<string, Record<string, number>>;
  receivedToday: number;
  acceptedToday: number;
  issuedToday: number;
  open: number;
  overdue: number;
  dueSoon: number;
  averageHandlingDays: number | null;
  ratings: { good: number; average: number; bad: number };
  badRatings: { submissionId: string; receiptNo: string; stationId: string; enterpriseName: string }[];
}
