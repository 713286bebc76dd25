import { z } from 'zod';

/** Only a path on this site: never another origin ("//evil" or "https://…"). */
export const safeNext = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' && value.length <= 500 && /^\/(?![/\\])[\w\-./?=&%~]*$/.test(value) ? value : undefined));

export const signInForm = z.object({
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address').max(254, 'Email address must be 254 characters or fewer'),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1024, 'Password must be 1024 characters or fewer'),
  next: safeNext,
});

export const codeForm = z.object({
  code: z
    .string({ error: 'Enter the 6-digit code from your authenticator app' })
    .trim()
    .min(1, 'Enter the 6-digit code from your authenticator app')
    .max(20, 'The code must be 6 digits')
    .transform((value) => value.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'The code must be 6 digits')),
  next: safeNext,
});

export const setPasswordForm = z
  .object({
    password: z.string({ error: 'Enter a password' }).min(1, 'Enter a password').max(256, 'Password must be 256 characters or fewer'),
    confirmPassword: z.string({ error: 'Confirm your password' }).min(1, 'Confirm your password').max(256, 'Password must be 256 characters or fewer'),
  })
  .refine((form) => form.password === form.confirmPassword, { path: ['confirmPassword'], message: 'Passwords must match' });

export const invitationParams = z.object({
  token: z
    .string()
    .min(10)
    .max(100)
    .regex(/^[\w-]+$/),
});

export const emptyForm = z.object({});

export type SignInForm = z.infer<typeof signInForm>;
