/**
 * One submission's {@link SubmissionFacts} from its documents: the fold of its events (the same state machine
 * the hall and the device use) and its matter's time limits. Apart from `five-figures.ts` because it needs
 * the working-day calendar, which the screens that only show the figures do not.
 */
import { computeSla } from './calendar';
import type { MatterDoc } from './catalog';
import type { EventDoc, SubmissionDoc } from './documents';
import type { SubmissionFacts } from './five-figures';
import { foldEvents } from './submission-machine';

export function submissionFacts(submission: Pick<SubmissionDoc, 'items'>, events: readonly EventDoc[], matter: Pick<MatterDoc, 'promisedDays' | 'legalDays'> | undefined): SubmissionFacts {
  const { state, status, applied } = foldEvents(events, submission);
  const decided = status.decidedAt !== undefined;
  const outcome = decided ? (state === 'denied' ? 'denied' : 'approved') : state === 'rejected' || state === 'withdrawn' ? state : null;
  let usedWorkingDays: number | null = null;
  if (decided && status.acceptedAt && matter) {
    try {
      // The clock as it stood when the decision was made: working days after acceptance, 补正 pauses left out.
      usedWorkingDays = computeSla({ acceptedAt: status.acceptedAt, promisedDays: matter.promisedDays, legalDays: matter.legalDays, pauses: status.pauses, now: status.decidedAt! }).usedWorkingDays;
    } catch {
      usedWorkingDays = null; // a malformed instant in an old record: left out of the time figures, not guessed
    }
  }
  return {
    outcome,
    accepted: status.acceptedAt !== undefined,
    autoApproved: applied.some((e) => e.action === 'autoApprove'),
    corrections: applied.filter((e) => e.action === 'requestCorrection').length,
    deficient: submission.items.filter((i) => i.status === 'deficient').length,
    outstanding: status.outstanding.length,
    departments: Object.keys(status.departments).length,
    delivery: status.delivery ? (status.delivery.method as SubmissionFacts['delivery']) : null,
    rating: status.rating ? (status.rating.rating as SubmissionFacts['rating']) : null,
    promisedDays: matter?.promisedDays ?? null,
    legalDays: matter?.legalDays ?? null,
    usedWorkingDays,
  };
}
