import { sql, type Kysely } from 'kysely';

/**
 * Whether an accepted MARAC referral has been put on an agenda, kept on the referral by the database. The coordinator's
 * planning page asks for the referrals still waiting; as "no agenda item has this referral" it read every accepted
 * MARAC referral ever made (16–20 s with 300,000 in the MARAC benchmark, docs/performance.md). A partial index on the
 * few still waiting answers it directly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table referrals add column on_agenda boolean not null default false`.execute(db);
  await sql`update referrals r set on_agenda = true
    where exists (select 1 from marac_agenda_items i where i.partnership_id = r.partnership_id and i.referral_id = r.id)`.execute(db);
  await sql`create index referrals_waiting_for_agenda on referrals (partnership_id, referred_on)
    where destination = 'marac' and status = 'accepted' and not on_agenda`.execute(db);

  // Kept by the agenda items themselves, whoever writes them (the services, the demo, an import), past the viewer's sight.
  await sql`create function harbour_referral_on_agenda() returns trigger language plpgsql security definer
    set search_path = pg_catalog, public as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.referral_id is not null then
        update referrals r set on_agenda = exists (select 1 from marac_agenda_items i
            where i.partnership_id = old.partnership_id and i.referral_id = old.referral_id)
          where r.partnership_id = old.partnership_id and r.id = old.referral_id;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.referral_id is not null then
        update referrals r set on_agenda = true where r.partnership_id = new.partnership_id and r.id = new.referral_id and not r.on_agenda;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger marac_agenda_items_referral after insert or delete or update of referral_id on marac_agenda_items
    for each row execute function harbour_referral_on_agenda()`.execute(db);
}
