import { z } from 'zod';

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, `Enter ${label}`)
    .regex(/^\d+$/, `${label[0]!.toUpperCase()}${label.slice(1)} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${label[0]!.toUpperCase()}${label.slice(1)} must be between ${min} and ${max}`)
        .max(max, `${label[0]!.toUpperCase()}${label.slice(1)} must be between ${min} and ${max}`),
    );

const version = z.coerce.number({ error: 'Reload the page and try again' }).int().min(0).max(2_147_483_647);

export const referralSettingsForm = z.object({
  escalationIncidents: wholeNumber('the number of incidents', 2, 20),
  escalationMonths: wholeNumber('the number of months', 1, 24),
  maracAgencyId: z.uuid({ error: 'Select the agency that receives MARAC referrals' }),
  version,
});

/** Blank means "the instrument's own threshold". */
const threshold = (label: string) => z.union([z.literal('').transform(() => undefined), wholeNumber(label, 1, 999)]);

export const bandsForm = z.object({
  medium: threshold('the lowest medium-risk score').optional(),
  high: threshold('the lowest high-risk score').optional(),
});

export const instrumentParams = z.object({ instrument: z.string().regex(/^[a-z0-9-]{1,60}$/) });

export const importForm = z.object({
  definition: z
    .string()
    .trim()
    .min(1, 'Paste the instrument definition (JSON)')
    .max(200_000, 'The definition must be 200,000 characters or fewer')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'The definition is not valid JSON: check it was copied whole' });
        return z.NEVER;
      }
    }),
});
