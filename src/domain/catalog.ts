/**
 * 事项 catalog documents (`catalog` database, pull-only on devices). A matter lists its materials;
 * `deriveChecklist` turns a matter and the questionnaire answers into the exact 材料清单.
 */
import { z } from 'zod';

export const materialSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** 核心材料: may never be missing at intake. */
  core: z.boolean(),
  pages: z.number().int().positive().optional(),
  note: z.string().optional(),
});
export type Material = z.infer<typeof materialSchema>;

export const matterDocSchema = z.strictObject({
  _id: z.string().regex(/^matter:[a-z0-9-]{1,64}$/),
  _rev: z.string().optional(),
  type: z.literal('matter'),
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  keywords: z.array(z.string()),
  /** 法定时限 / 承诺时限, working days. */
  legalDays: z.number().int().positive(),
  promisedDays: z.number().int().positive(),
  commitmentText: z.string().min(1),
  materials: z.array(materialSchema).min(1),
});
export type MatterDoc = z.infer<typeof matterDocSchema>;

export interface ChecklistEntry {
  material: Material;
}

/** 材料清单 for a matter. Questions (情景引导) come with the full catalog; this slice lists every material. */
export function deriveChecklist(matter: Pick<MatterDoc, 'materials'>): Material[] {
  return [...matter.materials];
}
