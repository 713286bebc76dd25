import { z } from 'zod';
import { checkboxList, text, ticked, version } from './person.schemas.js';

/** Forms for a person's addresses, phone numbers and email addresses; each carries the person's version. */

const UK_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/;

export const addressForm = z.object({
  line1: z
    .string({ error: 'Enter the first line of the address' })
    .trim()
    .min(1, 'Enter the first line of the address')
    .max(200, 'Address line 1 must be 200 characters or fewer'),
  line2: text('Address line 2', 200),
  town: text('Town or city', 100),
  postcode: z
    .string({ error: 'Enter a full UK postcode, like AA1 1AA' })
    .trim()
    .toUpperCase()
    .max(10, 'Enter a full UK postcode, like AA1 1AA')
    .optional()
    .refine((v) => !v || UK_POSTCODE.test(v), 'Enter a full UK postcode, like AA1 1AA')
    .transform((v) => v || null),
  flags: checkboxList(['current', 'safe', 'refuge'], 'Select a valid option'),
  version,
});

export type AddressForm = z.infer<typeof addressForm>;

/** Digits with optional spaces, brackets, dashes and a leading +; 10 to 15 digits once those are removed. */
const PHONE = /^\+?[\d\s()-]+$/;
const PHONE_EXAMPLE = 'Enter a phone number, like 01632 960 001 or +44 7700 900 982';
const EMAIL_EXAMPLE = 'Enter an email address in the correct format, like name@example.com';

/** A phone number or an email address: each has its own page, so each form asks for one value. */
function contactForm(value: z.ZodType<string>) {
  return z.object({ value, safe: ticked, note: text('Note', 200), version });
}

export const CONTACT_FORMS = {
  phone: contactForm(
    z
      .string({ error: PHONE_EXAMPLE })
      .trim()
      .min(1, 'Enter a phone number')
      .max(30, PHONE_EXAMPLE)
      .refine((v) => PHONE.test(v) && v.replace(/\D/g, '').length >= 10 && v.replace(/\D/g, '').length <= 15, PHONE_EXAMPLE),
  ),
  email: contactForm(
    z
      .string({ error: EMAIL_EXAMPLE })
      .trim()
      .min(1, 'Enter an email address')
      .max(254, 'Email address must be 254 characters or fewer')
      .pipe(z.email({ error: EMAIL_EXAMPLE })),
  ),
};

export type ContactKind = keyof typeof CONTACT_FORMS;
export type ContactForm = z.infer<(typeof CONTACT_FORMS)[ContactKind]>;

export const versionForm = z.object({ version });
export const safeToggleForm = z.object({ version, safe: z.enum(['yes', 'no'], { error: 'Select a valid option' }).transform((v) => v === 'yes') });

export const addressParams = z.object({ id: z.uuid(), addressId: z.uuid() });
export const contactParams = z.object({ id: z.uuid(), contactId: z.uuid() });
