import { sql, type Kysely } from 'kysely';

/**
 * MARAC content is seen through the meeting, not by being given the case (DESIGN.md: a case is visible to
 * "attendees of a MARAC meeting that heard it, for that meeting's content, while their agency's information-sharing
 * agreement is in force"). Until now, publishing an agenda and assigning an action added the agency to the case
 * (case_agencies), which showed it the whole case (people, addresses, risk history, referrals) for good.
 *
 * 1. Each agenda item keeps what the agenda shows (case reference, the victim's initials and date of birth, the
 *    referral's reference, date, criterion and risk), taken when the case is put on the agenda and again when the
 *    agenda is published. An invited agency reads these, never the case, person or referral rows.
 * 2. The MARAC tables' policies: the item's case is visible to the viewer (as before), or the viewer's agency is
 *    invited to the item's meeting and its agreement is in force today; an action is also seen by the agency it is
 *    assigned to while its agreement is in force. A "must not see" entry on the case wins over all of these.
 * 3. The case_agencies rows the old sharing added (case.agency.assign audited with via 'marac') are taken away, so
 *    access is exactly what the rules above give.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table marac_agenda_items
      add column case_reference text,
      add column victim_person_id uuid,
      add column victim_initials text,
      add column victim_date_of_birth date,
      add column referral_reference text,
      add column referred_on date,
      add column criterion text,
      add column score integer,
      add column score_band text,
      add column snapshot_taken_at timestamptz not null default now()`.execute(db);

  const definer = sql.raw(`language plpgsql security definer set search_path = pg_catalog, public`);
  // What the agenda shows about an item's case, read past the viewer's policies (the item is being written by
  // someone who may place it: the coordinator, or Harbour itself).
  await sql`create function harbour_agenda_item_snapshot() returns trigger ${definer} as $$
    declare
      v_victim uuid;
    begin
      select c.reference into new.case_reference from cases c where c.partnership_id = new.partnership_id and c.id = new.case_id;
      select cp.person_id into v_victim from case_people cp
        where cp.partnership_id = new.partnership_id and cp.case_id = new.case_id and cp.role = 'victim';
      new.victim_person_id := v_victim;
      select upper(left(btrim(coalesce(n.given_name, '')), 1)) || upper(left(btrim(coalesce(n.family_name, '')), 1)), p.date_of_birth
        into new.victim_initials, new.victim_date_of_birth
        from people p left join person_names n on n.partnership_id = p.partnership_id and n.person_id = p.id and n.is_primary
        where p.partnership_id = new.partnership_id and p.id = v_victim;
      if new.referral_id is not null then
        select r.reference, r.referred_on, r.criterion, r.score, r.score_band
          into new.referral_reference, new.referred_on, new.criterion, new.score, new.score_band
          from referrals r where r.partnership_id = new.partnership_id and r.id = new.referral_id;
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger marac_agenda_items_snapshot before insert or update of case_id, referral_id, snapshot_taken_at on marac_agenda_items
    for each row execute function harbour_agenda_item_snapshot()`.execute(db);
  // Publishing sets snapshot_taken_at, which takes it again. Take it now for the items already on agendas.
  await sql`update marac_agenda_items set snapshot_taken_at = now()`.execute(db);

  // An action carries its case's reference, so the agency it is assigned to can tell which case it is about
  // without seeing the case or (if it was not invited) the agenda.
  await sql`alter table marac_actions add column case_reference text`.execute(db);
  await sql`create function harbour_action_case_reference() returns trigger ${definer} as $$
    begin
      select c.reference into new.case_reference from cases c where c.partnership_id = new.partnership_id and c.id = new.case_id;
      return new;
    end $$`.execute(db);
  await sql`create trigger marac_actions_case_reference before insert on marac_actions for each row execute function harbour_action_case_reference()`.execute(
    db,
  );
  await sql`update marac_actions ac set case_reference = c.reference from cases c where c.partnership_id = ac.partnership_id and c.id = ac.case_id`.execute(db);
  await sql`alter table marac_actions alter column case_reference set not null`.execute(db);

  // Whether the viewer's own agency's agreement is in force today (London date), read past the agencies policy.
  await sql`create function harbour_viewer_agreement_in_force() returns boolean language sql stable security definer
    set search_path = pg_catalog, public as $$
      select exists (select 1 from agencies a where a.partnership_id = harbour_viewer_partnership() and a.id = harbour_viewer_agency()
        and a.active and a.isa_signed_on <= (now() at time zone 'Europe/London')::date
        and (a.isa_expires_on is null or a.isa_expires_on >= (now() at time zone 'Europe/London')::date))
    $$`.execute(db);

  const caseSeen = (caseId: string) => `exists (select 1 from cases c where c.partnership_id = ${caseId.split('.')[0]}.partnership_id and c.id = ${caseId})`;
  const invited = (table: string, meetingId: string) => `(harbour_viewer_kind() = 'agency' and harbour_viewer_agreement_in_force()
      and exists (select 1 from marac_meeting_agencies ma where ma.partnership_id = ${table}.partnership_id and ma.meeting_id = ${meetingId}
        and ma.agency_id = harbour_viewer_agency())
      and not harbour_blocked('case', ${table}.case_id))`;
  const itemRule = `${caseSeen('marac_agenda_items.case_id')} or ${invited('marac_agenda_items', 'marac_agenda_items.meeting_id')}`;
  // Research and minutes are seen with their agenda item (through the item's own policy above).
  const throughItem = (table: string) =>
    `exists (select 1 from marac_agenda_items i where i.partnership_id = ${table}.partnership_id and i.id = ${table}.agenda_item_id)`;
  const amendmentRule = `exists (select 1 from marac_minutes m where m.partnership_id = marac_minute_amendments.partnership_id
      and m.id = marac_minute_amendments.minute_id)`;
  const actionRule = `${throughItem('marac_actions')} or (harbour_viewer_kind() = 'agency' and marac_actions.agency_id = harbour_viewer_agency()
      and harbour_viewer_agreement_in_force() and not harbour_blocked('case', marac_actions.case_id))`;
  const policies: [string, string][] = [
    ['marac_agenda_items', itemRule],
    ['marac_research', throughItem('marac_research')],
    ['marac_minutes', throughItem('marac_minutes')],
    ['marac_minute_amendments', amendmentRule],
    ['marac_actions', actionRule],
  ];
  for (const [table, using] of policies) {
    await sql`drop policy viewer_access on ${sql.table(table)}`.execute(db);
    await sql`create policy viewer_access on ${sql.table(table)} to harbour_app using (${sql.raw(using)}) with check (${sql.raw(using)})`.execute(db);
  }

  // The agencies the old sharing gave cases to, unless the case was given to them some other way too.
  await sql`
    delete from case_agencies ca
    where exists (select 1 from audit_events e where e.partnership_id = ca.partnership_id and e.action = 'case.agency.assign'
        and e.subject_id = ca.case_id::text and e.details ->> 'agencyId' = ca.agency_id::text and e.details ->> 'via' = 'marac')
      and not exists (select 1 from audit_events e where e.partnership_id = ca.partnership_id and e.action = 'case.agency.assign'
        and e.subject_id = ca.case_id::text and e.details ->> 'agencyId' = ca.agency_id::text and coalesce(e.details ->> 'via', '') <> 'marac')`.execute(db);
}
