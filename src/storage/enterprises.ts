/**
 * 一次采集 (collect once): the enterprise profile taken at an intake is kept on the device by USCC and fills in
 * the next intake for the same enterprise. Pure helpers decide what goes into the profile and what a draft
 * takes from it; the table is `db.enterprises`.
 */
import { db, type Draft, type EnterpriseProfile } from './db';

/** The profile fields a draft holds, by their draft names. */
export const PROFILE_FIELDS = ['enterpriseName', 'enterpriseAddress', 'legalRepresentative', 'contactName', 'contactPhone'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const fromProfile = (p: EnterpriseProfile): Record<ProfileField, string | undefined> => ({
  enterpriseName: p.name,
  enterpriseAddress: p.address,
  legalRepresentative: p.legalRepresentative,
  contactName: p.contactName,
  contactPhone: p.contactPhone,
});

/**
 * Fill the draft's empty profile fields from `profile` (what staff already typed is never overwritten).
 * Returns the fields it filled.
 */
export function prefillDraft(draft: Draft, profile: EnterpriseProfile): ProfileField[] {
  const values = fromProfile(profile);
  const filled: ProfileField[] = [];
  for (const field of PROFILE_FIELDS) {
    const value = values[field];
    if (value && !(draft[field] ?? '').trim()) {
      draft[field] = value;
      filled.push(field);
    }
  }
  return filled;
}

/** The enterprise object of a submission, as stored in a profile (empty fields absent). */
export type SubmittedEnterprise = Omit<EnterpriseProfile, 'sourceSubmissionId' | 'updatedAt'>;

export function profileOf(enterprise: SubmittedEnterprise, submissionId: string, now: Date): EnterpriseProfile {
  const { uscc, name, address, legalRepresentative, contactName, contactPhone } = enterprise;
  return {
    uscc,
    name,
    ...(address ? { address } : {}),
    ...(legalRepresentative ? { legalRepresentative } : {}),
    ...(contactName ? { contactName } : {}),
    ...(contactPhone ? { contactPhone } : {}),
    sourceSubmissionId: submissionId,
    updatedAt: now.toISOString(),
  };
}

export function getEnterpriseProfile(uscc: string): Promise<EnterpriseProfile | undefined> {
  return db.enterprises.get(uscc);
}

/** Keep what this submission said of its enterprise (the latest intake wins). */
export async function rememberEnterprise(enterprise: SubmittedEnterprise, submissionId: string, now = new Date()): Promise<void> {
  await db.enterprises.put(profileOf(enterprise, submissionId, now));
}

/**
 * The purge: the contact person and phone came with a submission whose personal fields now leave the device,
 * so they leave the profile too (unless a later intake has replaced them). Runs inside the caller's transaction
 * when there is one.
 */
export async function forgetContacts(submissionIds: readonly string[]): Promise<void> {
  if (!submissionIds.length) return;
  await db.enterprises
    .where('sourceSubmissionId')
    .anyOf([...submissionIds])
    .modify((p) => {
      delete p.contactName;
      delete p.contactPhone;
    });
}
