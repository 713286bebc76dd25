import { z } from 'zod';
import { ROLES } from '../../platform/permissions.js';

export const AGENCY_TYPES = [
  'police',
  'probation',
  'childrens_social_care',
  'adult_social_care',
  'housing',
  'idva_service',
  'health',
  'primary_care',
  'mental_health',
  'refuge',
  'specialist_da_service',
  'council',
  'cps',
  'courts',
  'education',
  'substance_misuse',
  'other',
] as const;

/** Optional day/month/year inputs (GOV.UK date pattern) → ISO date or null. */
function optionalDate(label: string) {
  return z
    .object({
      day: z.string({ error: `${label} must be a real date` }).max(10, `${label} must be a real date`),
      month: z.string({ error: `${label} must be a real date` }).max(10, `${label} must be a real date`),
      year: z.string({ error: `${label} must be a real date` }).max(10, `${label} must be a real date`),
    })
    .transform((d, ctx) => {
      const [day, month, year] = [d.day.trim(), d.month.trim(), d.year.trim()];
      if (!day && !month && !year) return null;
      if (!day || !month || !year) {
        ctx.addIssue({ code: 'custom', message: `${label} must include a day, month and year` });
        return z.NEVER;
      }
      const iso = `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
      const parsed = new Date(`${iso}T00:00:00Z`);
      if (
        !/^\d{4}-\d{2}-\d{2}$/.test(iso) ||
        Number.isNaN(parsed.getTime()) ||
        parsed.toISOString().slice(0, 10) !== iso ||
        Number(year) < 1990 ||
        Number(year) > 2100
      ) {
        ctx.addIssue({ code: 'custom', message: `${label} must be a real date` });
        return z.NEVER;
      }
      return iso;
    });
}

/** GOV.UK date inputs arrive as "<prefix>-day", "-month", "-year": gather them into one object per date. */
function groupDateInputs(prefixes: string[]) {
  return (input: unknown) => {
    if (typeof input !== 'object' || input === null) return input;
    const body = { ...(input as Record<string, unknown>) };
    for (const prefix of prefixes) {
      body[prefix] = { day: body[`${prefix}-day`] ?? '', month: body[`${prefix}-month`] ?? '', year: body[`${prefix}-year`] ?? '' };
    }
    return body;
  };
}

const version = z.coerce.number({ error: 'Reload the page and try again' }).int().positive().max(2_147_483_647);

const agencyFields = z.object({
  name: z.string({ error: 'Enter the agency name' }).trim().min(1, 'Enter the agency name').max(200, 'Agency name must be 200 characters or fewer'),
  code: z
    .string({ error: 'Enter a code' })
    .trim()
    .toUpperCase()
    .min(1, 'Enter a code')
    .regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'Code must be 2 to 20 capital letters, numbers or underscores, starting with a letter'),
  type: z.enum(AGENCY_TYPES, { error: 'Select the type of agency' }),
  areaId: z
    .union([z.literal(''), z.uuid()], { error: 'Select an area' })
    .default('')
    .transform((v) => v || null),
  isaSigned: optionalDate('Date the information-sharing agreement was signed'),
  isaExpires: optionalDate('Date the information-sharing agreement expires'),
});

function checkAgreementDates(form: { isaSigned: string | null; isaExpires: string | null }, ctx: z.RefinementCtx): void {
  if (form.isaExpires && !form.isaSigned) ctx.addIssue({ code: 'custom', path: ['isaSigned'], message: 'Enter the date the agreement was signed' });
  if (form.isaExpires && form.isaSigned && form.isaExpires <= form.isaSigned) {
    ctx.addIssue({ code: 'custom', path: ['isaExpires'], message: 'Expiry date must be after the date the agreement was signed' });
  }
}

export const agencyForm = z.preprocess(groupDateInputs(['isaSigned', 'isaExpires']), agencyFields.superRefine(checkAgreementDates));
export const agencyEditForm = z.preprocess(groupDateInputs(['isaSigned', 'isaExpires']), agencyFields.extend({ version }).superRefine(checkAgreementDates));

/** Checkboxes arrive as one value or several: always a list, each a known role, at least one. */
const roleList = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(z.enum(ROLES, { error: 'Select a valid role' }), { error: 'Select at least one role' })
    .min(1, 'Select at least one role')
    .max(ROLES.length, 'Select a valid role')
    .transform((roles) => [...new Set(roles)]),
);

export const userForm = z.object({
  displayName: z
    .string({ error: 'Enter the person’s full name' })
    .trim()
    .min(1, 'Enter the person’s full name')
    .max(120, 'Full name must be 120 characters or fewer'),
  email: z
    .string({ error: 'Enter an email address' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter an email address')
    .max(254, 'Email address must be 254 characters or fewer')
    .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.org' })),
  agencyId: z.uuid({ error: 'Select an agency' }),
  roles: roleList,
});

export const userEditForm = userForm.omit({ email: true }).extend({ version });

export const userActionForm = z.object({ version });

export const idParams = z.object({ id: z.uuid() });

export const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  agency: z.uuid().optional().catch(undefined),
});

export const auditQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  action: z.string().trim().max(100).optional().catch(undefined),
  user: z.string().trim().max(254).optional().catch(undefined),
  subject: z.string().trim().max(100).optional().catch(undefined),
});

export type AgencyForm = z.infer<typeof agencyForm>;
export type UserForm = z.infer<typeof userForm>;
export type UserEditForm = z.infer<typeof userEditForm>;
