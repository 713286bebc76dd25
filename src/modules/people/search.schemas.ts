import { z } from 'zod';

const text = (max: number, message: string) => z.string().trim().max(max, message).optional().default('');

/** The search form (GET): any combination of name, date of birth, phone and postcode. */
export const searchQuery = z
  .object({
    name: text(200, 'Name must be 200 characters or fewer'),
    'dob-day': text(2, 'Date of birth must be a real date'),
    'dob-month': text(2, 'Date of birth must be a real date'),
    'dob-year': text(4, 'Date of birth must be a real date'),
    phone: text(30, 'Phone number must be 30 characters or fewer'),
    postcode: text(10, 'Postcode must be 10 characters or fewer'),
  })
  .catchall(z.unknown());

export type SearchQuery = z.infer<typeof searchQuery>;
