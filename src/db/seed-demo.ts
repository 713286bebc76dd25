import type { Db } from './database.js';
import { seedAdminDemo } from '../modules/admin/admin.demo.js';

/** Loads the demo partnership into an empty database; each module adds its part. Returns false if data exists. */
export async function seedDemo(db: Db, partnershipName: string): Promise<boolean> {
  const existing = await db.selectFrom('partnerships').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  await seedAdminDemo(db, partnershipName);
  return true;
}
