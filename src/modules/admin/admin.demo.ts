import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';
import type { Db } from '../../db/database.js';
import { hashPassword } from '../../platform/passwords.js';
import type { Role } from '../../platform/permissions.js';
import { londonToday, shiftDays } from '../../platform/format.js';

/** Invented people and places: never names from the seed documents. */
export const DEMO_PASSWORD = 'harbour-demo-2026';

export type DemoUser = { email: string; name: string; agency: string; roles: Role[] };

/** A fixed TOTP secret per demo user, so a tester can add it to an authenticator app or run `npx harbour totp --secret …`. */
export function demoTotpSecret(email: string): string {
  return new Secret({ buffer: Uint8Array.from(createHash('sha1').update(`harbour-demo:${email}`).digest()).buffer }).base32;
}

export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@demo.harbour.example', name: 'Morgan Ellery', agency: 'COUNCIL', roles: ['admin'] },
  { email: 'coordinator@demo.harbour.example', name: 'Tasha Greenwood', agency: 'COUNCIL', roles: ['coordinator'] },
  { email: 'chair@demo.harbour.example', name: 'DI Owen Hartley', agency: 'POLICE', roles: ['chair', 'agency_rep'] },
  { email: 'idva@demo.harbour.example', name: 'Ruth Okonkwo', agency: 'IDVA', roles: ['idva'] },
  { email: 'idva2@demo.harbour.example', name: 'Tomasz Brennan', agency: 'IDVA', roles: ['idva'] },
  { email: 'idva.manager@demo.harbour.example', name: 'Grace Adebayo-Lunn', agency: 'IDVA', roles: ['idva_manager'] },
  { email: 'rep@demo.harbour.example', name: 'Callum Fairweather', agency: 'HOUSING', roles: ['agency_rep'] },
  { email: 'practitioner@demo.harbour.example', name: 'Nadia Sorensen', agency: 'CSC', roles: ['practitioner'] },
  { email: 'analyst@demo.harbour.example', name: 'Imogen Platt', agency: 'COUNCIL', roles: ['analyst'] },
  { email: 'strategy@demo.harbour.example', name: 'Dev Raman', agency: 'COUNCIL', roles: ['strategy_lead'] },
  { email: 'auditor@demo.harbour.example', name: 'Fiona Blackwood', agency: 'COUNCIL', roles: ['auditor'] },
];

const AREAS = [
  { code: 'NORTHFIELD', name: 'Northfield' },
  { code: 'RIVERSIDE', name: 'Riverside' },
  { code: 'EASTVALE', name: 'Eastvale' },
];

/** Agreement dates relative to today, so the demo always shows in-force, expiring, expired and unsigned agreements. */
function demoAgencies(today: string) {
  const signed = shiftDays(today, -400);
  const expires = shiftDays(today, 700);
  return [
    { code: 'POLICE', name: 'Harbourshire Police', type: 'police', isa: [signed, expires] },
    { code: 'PROBATION', name: 'Probation Service (Harbourshire)', type: 'probation', isa: [signed, expires] },
    { code: 'CSC', name: 'Children’s Social Care', type: 'childrens_social_care', isa: [signed, expires] },
    { code: 'ASC', name: 'Adult Social Care', type: 'adult_social_care', isa: [signed, expires] },
    { code: 'HOUSING', name: 'Housing Options', type: 'housing', isa: [signed, shiftDays(today, 45)] },
    { code: 'HEALTH', name: 'Harbourshire Hospitals NHS Trust', type: 'health', isa: [signed, expires] },
    { code: 'MH', name: 'Community Mental Health Team', type: 'mental_health', isa: [signed, expires] },
    { code: 'IDVA', name: 'Safer Futures IDVA Service', type: 'idva_service', isa: [signed, expires] },
    { code: 'REFUGE', name: 'Lighthouse Refuge', type: 'refuge', isa: [signed, expires] },
    { code: 'CPS', name: 'Crown Prosecution Service', type: 'cps', isa: [signed, null] },
    { code: 'COUNCIL', name: 'Harbourshire Council Community Safety', type: 'council', isa: [signed, expires] },
    { code: 'EDUCATION', name: 'Schools and Education Service', type: 'education', isa: [shiftDays(today, -1200), shiftDays(today, -30)] },
    { code: 'SUBSTANCE', name: 'Turning Point Recovery Service', type: 'substance_misuse', isa: [null, null] },
  ] as const;
}

/** Creates the demo partnership's areas, agencies and one user per role. Returns the partnership id. */
export async function seedAdminDemo(db: Db, partnershipName: string): Promise<string> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    const { id: partnershipId } = await trx.insertInto('partnerships').values({ name: partnershipName }).returning('id').executeTakeFirstOrThrow();
    const areas = await trx
      .insertInto('areas')
      .values(AREAS.map((a) => ({ ...a, partnership_id: partnershipId })))
      .returning(['id', 'code'])
      .execute();
    const agencies = await trx
      .insertInto('agencies')
      .values(
        demoAgencies(londonToday()).map((a, i) => ({
          partnership_id: partnershipId,
          code: a.code,
          name: a.name,
          type: a.type,
          area_id: a.code === 'HOUSING' ? areas[0]!.id : a.code === 'REFUGE' ? areas[1]!.id : i % 5 === 4 ? areas[2]!.id : null,
          isa_signed_on: a.isa[0],
          isa_expires_on: a.isa[1],
        })),
      )
      .returning(['id', 'code'])
      .execute();
    const agencyId = new Map(agencies.map((a) => [a.code, a.id]));
    const now = new Date();
    await trx
      .insertInto('users')
      .values(
        DEMO_USERS.map((u) => ({
          partnership_id: partnershipId,
          agency_id: agencyId.get(u.agency)!,
          email: u.email,
          display_name: u.name,
          roles: u.roles,
          password_hash: passwordHash,
          password_changed_at: now,
          totp_secret: demoTotpSecret(u.email),
          mfa_enrolled_at: now,
          totp_last_step: null,
          locked_until: null,
          last_sign_in_at: null,
        })),
      )
      .execute();
    return partnershipId;
  });
}
