import type { Db } from './database.js';
import { seedAdminDemo } from '../modules/admin/admin.demo.js';
import { seedCaseworkDemo } from '../modules/casework/casework.demo.js';
import { seedMaracDemo } from '../modules/marac/marac.demo.js';
import { seedCasesDemo } from '../modules/people/case.demo.js';
import { seedPeopleDemo } from '../modules/people/person.demo.js';
import { seedReferralsDemo } from '../modules/referrals/referral.demo.js';
import { seedRiskDemo } from '../modules/risk/risk.demo.js';
import { seedServicesDemo } from '../modules/services/services.demo.js';

/** Loads the demo partnership into an empty database; each module adds its part. Returns false if data exists. */
export async function seedDemo(db: Db, partnershipName: string): Promise<boolean> {
  const existing = await db.selectFrom('partnerships').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const partnershipId = await seedAdminDemo(db, partnershipName);
  await seedPeopleDemo(db, partnershipId);
  await seedCasesDemo(db, partnershipId);
  await seedRiskDemo(db, partnershipId);
  await seedReferralsDemo(db, partnershipId);
  await seedMaracDemo(db, partnershipId);
  await seedCaseworkDemo(db, partnershipId);
  await seedServicesDemo(db, partnershipId);
  return true;
}
