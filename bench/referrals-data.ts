/**
 * A generated partnership for `npm run bench -- --referrals`: by default 1,000,000 referrals and 3,000,000
 * incidents on 300,000 cases, written set-based (INSERT … SELECT generate_series) in one session, so that
 * PostgreSQL does all the work.
 *
 * Victims 1–300,000 each have one case (opened over the last five years, still open if opened in the last year and
 * for 15 % of older ones), with one perpetrator (a second on a quarter of cases) from a pool of 300,000: some
 * perpetrators are on several cases, as serial perpetrators are. 1 % of victims have a duplicate record merged into
 * theirs (repeat detection and escalation follow merges). A referral or an incident picks its case at random (so a
 * victim has about 3.3 referrals and 10 incidents, Poisson-spread), on a day within a year of the case opening for
 * referrals and from three months before to a year after it for incidents, so a victim's history clusters around
 * their case as it does in life.
 *
 * Referrals: 45 % MARAC (criterion: 55 % visible high risk, 20 % potential escalation, 15 % professional judgement,
 * 10 % repeat), the rest IDVA, children's services, other services. MARAC referrals of the last 7 days await
 * screening; older ones were accepted (85 %), declined (12 %) or withdrawn (3 %). Each case is shared with the agency
 * its referrals went to, as Harbour does (Council Community Safety receives MARAC referrals). 0.5 % of cases have a
 * "must not see" entry for an agency. Ids are UUIDs derived from md5 of the row's label (valid version-4 form).
 *
 * Foreign keys are right by construction and the row-level-security access tables are rebuilt at the end
 * (harbour_rebuild_access), so the load may skip per-row triggers (session_replication_role = replica, superuser).
 */
import pg from 'pg';
import { generationSteps, rebuildAccess } from './setup.js';

export type Generation = { seconds: number; steps: { step: string; seconds: number }[]; counts: Record<string, number> };

/** Owning and recording agencies, in percent. */
const AGENCY_WEIGHTS: Record<string, number> = {
  POLICE: 35,
  IDVA: 18,
  CSC: 12,
  HOUSING: 8,
  HEALTH: 7,
  PROBATION: 5,
  REFUGE: 4,
  ASC: 3,
  MH: 3,
  COUNCIL: 2,
  SUBSTANCE: 2,
  CPS: 1,
};
/** Where referrals go, in percent. */
const DESTINATIONS: [string, number][] = [
  ['marac', 45],
  ['idva', 20],
  ['childrens_services', 15],
  ['ask', 5],
  ['perpetrator_programme', 5],
  ['other', 10],
];
const CRITERIA: [string, number][] = [
  ['visible_high_risk', 55],
  ['potential_escalation', 20],
  ['professional_judgement', 15],
  ['repeat', 10],
];
const GIVEN = 'Alys,Bronwen,Cara,Dana,Elin,Fern,Gwen,Hana,Isla,Jade,Kira,Lena,Maya,Nia,Orla,Priya,Rosa,Sian,Tara,Zoe,Aled,Ben,Cai,Dev,Evan'.split(',');
const FAMILY =
  'Ashby,Barton,Carrow,Dalton,Ellery,Fairley,Garside,Hartley,Holloway,Kestle,Langley,Lockwood,Marlow,Norcross,Pemberton,Radley,Salt,Thorne,Walsh,Whitby,York'.split(
    ',',
  );
/** "Days ago" ranges: the MARAC referrals of the last SCREENING_BACKLOG_DAYS days await screening. */
const SCREENING_BACKLOG_DAYS = 7;

/** UUID from md5 of a label, with the version (4) and variant (8) digits set so that z.uuid() accepts it. */
const UID = `create function pg_temp.uid(label text) returns uuid language sql immutable as
  $$ select overlay(overlay(md5(label) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid $$`;

/** A weighted list as an array with each value repeated by its weight: `arr[1 + floor(random() * 100)]` picks one. */
const weighted = (pairs: [string, number][]): string[] => pairs.flatMap(([value, weight]) => Array<string>(weight).fill(value));

export async function generateReferrals(
  connectionString: string,
  partnershipId: string,
  scale = 1,
  log: (line: string) => void = console.log,
): Promise<Generation> {
  const VICTIMS = Math.round(300_000 * scale);
  const PERPETRATORS = VICTIMS;
  const DUPLICATES = Math.round(VICTIMS / 100);
  const REFERRALS = Math.round(1_000_000 * scale);
  const INCIDENTS = Math.round(3_000_000 * scale);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const started = Date.now();
  const { steps, step } = generationSteps(client, log);
  try {
    const { rows: agencyRows } = await client.query<{ id: string; code: string }>('select id, code from agencies where partnership_id = $1', [partnershipId]);
    const agency = new Map(agencyRows.map((a) => [a.code, a.id]));
    const owners = weighted(Object.entries(AGENCY_WEIGHTS).map(([code, weight]) => [agency.get(code)!, weight]));
    const services = ['IDVA', 'CSC', 'HOUSING', 'REFUGE', 'PROBATION', 'HEALTH'].map((code) => agency.get(code)!);
    const P = partnershipId;

    await client.query(`set synchronous_commit = off; set maintenance_work_mem = '512MB'; set work_mem = '128MB'`);
    await client.query('set session_replication_role = replica').catch(() => log('  (not a superuser: foreign keys and triggers run row by row)'));
    await client.query(UID);
    await client.query('select setseed(0.2026)');
    const tables = [
      'people',
      'person_names',
      'cases',
      'case_people',
      'case_agencies',
      'restrictions',
      'referrals',
      'incidents',
      'case_access',
      'person_access',
    ];
    // Secondary indexes are dropped and built again after the load: one sort each instead of millions of inserts.
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `select indexname as name, indexdef as def from pg_indexes i where schemaname = 'public' and tablename = any($1)
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
      [tables],
    );
    await step(`drop ${indexes.length} secondary indexes`, [indexes.map((i) => `drop index "${i.name}";`).join(' ')]);

    await step(
      `people (${(VICTIMS + PERPETRATORS + DUPLICATES).toLocaleString('en-GB')}: victims, perpetrators, merged duplicates) and their names`,
      [
        `create temp table gp as
         select i, pg_temp.uid('person:' || i) as id, ($1::uuid[])[1 + floor(random() * 100)::int] as agency, i <= $2::int as victim,
           case when i > $2::int + $3::int then pg_temp.uid('person:' || (i - $2::int - $3::int)) end as merged_into,
           now() - random() * interval '6 years' as created
         from generate_series(1, $2::int + $3::int + $4::int) i`,
        [owners, VICTIMS, PERPETRATORS, DUPLICATES],
      ],
      [
        `insert into people (partnership_id, id, owning_agency_id, date_of_birth, gender, merged_into_id, merged_at, created_at, updated_at)
         select $1::uuid, id, agency, current_date - (6600 + floor(random() * 20000))::int,
           case when victim = (random() < 0.88) then 'woman' else 'man' end, merged_into, case when merged_into is not null then created end, created, created
         from gp`,
        [P],
      ],
      [
        `insert into person_names (partnership_id, person_id, kind, given_name, family_name, is_primary, given_key, family_key, family_metaphone, given_metaphone)
         select $1::uuid, id, 'legal', g, f, true, lower(g), lower(f), dmetaphone(f), dmetaphone(g)
         from (select id, ($2::text[])[1 + floor(random() * $4::int)::int] as g, ($3::text[])[1 + floor(random() * $5::int)::int] as f from gp) n`,
        [P, GIVEN, FAMILY, GIVEN.length, FAMILY.length],
      ],
    );

    await step(
      `cases (${VICTIMS.toLocaleString('en-GB')}) and their people`,
      [
        `create temp table gc as
         select j, pg_temp.uid('case:' || j) as id, ($1::uuid[])[1 + floor(random() * 100)::int] as agency, opened_on,
           case when opened_on > current_date - 365 or random() < 0.15 then 'open' else 'closed' end as status,
           pg_temp.uid('person:' || j) as victim,
           array(select pg_temp.uid('person:' || ($2::int + 1 + (p0 + k) % $3::int)) from generate_series(0, perps - 1) k) as perpetrators
         from (select j, current_date - floor(random() * 1826)::int as opened_on, floor(random() * $3::int)::int as p0, 1 + (random() < 0.25)::int as perps
               from generate_series(1, $2::int) j) g`,
        [owners, VICTIMS, PERPETRATORS],
      ],
      ['create unique index on gc (j); analyze gc'],
      [
        `insert into cases (partnership_id, id, reference, owning_agency_id, status, opened_on, closed_on, created_at, updated_at)
         select $1::uuid, id, 'HBR-' || extract(year from opened_on) || '-' || lpad(j::text, 6, '0'), agency, status, opened_on,
           case when status = 'closed' then least(current_date, opened_on + 30 + floor(random() * 300)::int) end, opened_on, opened_on
         from gc`,
        [P],
      ],
      [`select setval('case_reference_seq', $1::int)`, [VICTIMS]],
      [
        `insert into case_people (partnership_id, case_id, person_id, role, relationship, added_at)
         select $1::uuid, id, victim, 'victim', null, opened_on from gc
         union all
         select $1::uuid, gc.id, p, 'perpetrator', (array['partner', 'ex_partner', 'spouse', 'ex_partner', 'parent_of_same_child'])[1 + floor(random() * 5)::int], opened_on
         from gc, unnest(gc.perpetrators) p`,
        [P],
      ],
      // Shared with 0–2 other agencies when opened.
      [
        `insert into case_agencies (partnership_id, case_id, agency_id, added_at)
         select $1::uuid, gc.id, a.id, gc.opened_on + 1 from gc
         cross join lateral (select x.id from unnest($2::uuid[]) x(id) where x.id <> gc.agency order by random()
                             limit (array[0, 0, 0, 1, 1, 1, 1, 2, 2, 2])[1 + floor(random() * 10)::int]) a
         on conflict do nothing`,
        [P, [...new Set(owners)]],
      ],
    );

    // Council Community Safety receives MARAC referrals, as in the demo (referral.demo.ts).
    await client.query(
      `insert into referral_settings (partnership_id, marac_agency_id) values ($1, $2)
       on conflict (partnership_id) do update set marac_agency_id = excluded.marac_agency_id`,
      [P, agency.get('COUNCIL')],
    );
    const R = REFERRALS;
    await step(`referrals (${R.toLocaleString('en-GB')})`, [
      `insert into referrals (partnership_id, id, reference, case_id, victim_id, perpetrator_ids, destination, criterion, to_agency_id, reasons,
         referred_on, referring_agency_id, score, score_band, escalation_count, consent_status, lawful_basis, consent_reason, is_repeat, status,
         decided_at, decline_code, decision_reason, created_at, updated_at)
       select $1::uuid, pg_temp.uid('referral:' || r), 'REF-' || lpad(r::text, 7, '0'), gc.id, gc.victim, gc.perpetrators, d, c,
         case when d = 'marac' then $5::uuid else ($6::uuid[])[1 + floor(random() * cardinality($6::uuid[]))::int] end,
         case when c = 'professional_judgement' then 'Generated for the benchmark' end,
         x.referred_on, ($7::uuid[])[1 + floor(random() * 100)::int],
         case when c = 'visible_high_risk' then 14 + floor(random() * 11)::int end, case when c = 'visible_high_risk' then 'high' end,
         floor(random() * 7)::int, consent, case when consent <> 'given' then 'safeguarding' end, case when consent <> 'given' then 'Generated' end,
         c is not distinct from 'repeat' or (d = 'marac' and random() < 0.15), st, case when st in ('accepted', 'declined') then x.referred_on + 3 end,
         case when st = 'declined' then 'does_not_meet_criteria' end, case when st = 'declined' then 'Generated' end,
         x.referred_on + random() * interval '10 hours' + interval '8 hours', x.referred_on + interval '8 hours'
       from (select r, j, d, case when d = 'marac' then ($3::text[])[1 + floor(random() * 100)::int] end as c, referred_on,
               case when d <> 'marac' then (case when random() < 0.03 then 'withdrawn' else 'awaiting_screening' end)
                    when referred_on > current_date - $8::int then 'awaiting_screening'
                    else (array['accepted', 'declined', 'withdrawn'])[case when s < 0.85 then 1 when s < 0.97 then 2 else 3 end] end as st,
               (array['given', 'given', 'given', 'refused', 'not_sought'])[1 + floor(random() * 5)::int] as consent
             from (select r, j, ($2::text[])[1 + floor(random() * 100)::int] as d, random() as s, referred_on
                   from (select r, j, gc.opened_on + floor(random() * 365)::int as referred_on
                         from (select r, 1 + floor(random() * $4::int)::int as j from generate_series(1, $9::int) r) rj join gc using (j)) z
                   where referred_on <= current_date limit $10::int) y) x
       join gc using (j)`,
      [P, weighted(DESTINATIONS), weighted(CRITERIA), VICTIMS, agency.get('COUNCIL'), services, owners, SCREENING_BACKLOG_DAYS, Math.ceil(R * 1.2), R],
    ]);
    await client.query(`select setval('referral_reference_seq', $1::int)`, [Math.ceil(R * 1.2)]);
    // Harbour gives the receiving agency the case (referral.repository.ts shareCase).
    await step('cases shared with their referrals’ receiving agencies', [
      `insert into case_agencies (partnership_id, case_id, agency_id, added_at)
       select distinct on (case_id, to_agency_id) partnership_id, case_id, to_agency_id, created_at from referrals where partnership_id = $1::uuid
       order by case_id, to_agency_id, created_at
       on conflict do nothing`,
      [P],
    ]);

    await step(`incidents (${INCIDENTS.toLocaleString('en-GB')})`, [
      `insert into incidents (partnership_id, id, case_id, victim_id, perpetrator_ids, occurred_on, occurred_at_time, types, reported_to_police, police_reference,
         injuries, children_present, location_type, is_repeat, recorded_by_agency_id, created_at, updated_at)
       select $1::uuid, pg_temp.uid('incident:' || i), gc.id, gc.victim, gc.perpetrators, x.occurred_on,
         case when random() < 0.6 then time '00:00' + floor(random() * 1440) * interval '1 minute' end,
         string_to_array((array['physical', 'controlling_coercive,psychological_emotional', 'stalking_harassment', 'physical,sexual', 'economic',
                                'violent_threatening'])[1 + floor(random() * 6)::int], ','),
         police, case when police then 'HS-' || i end,
         (array['none', 'minor', 'serious', 'not_known'])[1 + floor(random() * 4)::int], (array['yes', 'no', 'not_known'])[1 + floor(random() * 3)::int],
         (array['victim_home', 'shared_home', 'perpetrator_home', 'public_place', 'online', 'other'])[1 + floor(random() * 6)::int],
         random() < 0.2, ($3::uuid[])[1 + floor(random() * 100)::int], x.occurred_on + interval '12 hours', x.occurred_on + interval '12 hours'
       from (select i, j, random() < 0.7 as police, occurred_on
             from (select i, j, gc.opened_on - 90 + floor(random() * 455)::int as occurred_on
                   from (select i, 1 + floor(random() * $2::int)::int as j from generate_series(1, $4::int) i) ij join gc using (j)) z
             where occurred_on <= current_date limit $5::int) x
       join gc using (j)`,
      [P, VICTIMS, owners, Math.ceil(INCIDENTS * 1.2), INCIDENTS],
    ]);

    // An agency (not the owner) must not see 0.5 % of cases.
    await step('must-not-see entries', [
      `insert into restrictions (partnership_id, subject_type, subject_id, blocked_agency_id, reason)
       select $1::uuid, 'case', id, (array_remove($2::uuid[], agency))[1 + floor(random() * (cardinality($2::uuid[]) - 1))::int], 'Generated for the benchmark'
       from gc where random() < 0.005`,
      [P, [...new Set(owners)]],
    ]);
    await client.query('set session_replication_role = origin').catch(() => undefined);
    await rebuildAccess(client, step);
    await step('build the secondary indexes again', [indexes.map((i) => `${i.def};`).join(' ')]);
    await step('vacuum analyze', [`vacuum analyze ${tables.join(', ')}`]);
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = Number((await client.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
    counts.awaitingScreening = Number(
      (await client.query<{ n: string }>(`select count(*) as n from referrals where destination = 'marac' and status = 'awaiting_screening'`)).rows[0]!.n,
    );
    return { seconds: (Date.now() - started) / 1000, steps, counts };
  } finally {
    await client.end();
  }
}

/** A victim to refer: their open case, which the agency may see, and its perpetrators. */
export type Referable = { victimId: string; caseId: string; perpetratorIds: string[] };

/**
 * Victims whose open case `agencyId` owns or shares, with no "must not see" entry anywhere near them, in a fixed
 * pseudo-random order: the token's agency refers them by id, so the referral goes on that case and the checks read
 * the victim's real history.
 */
export async function referableVictims(connectionString: string, partnershipId: string, agencyId: string, limit: number): Promise<Referable[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ victim_id: string; case_id: string; perpetrator_ids: string[] }>(
      `select v.person_id as victim_id, c.id as case_id,
         array(select p.person_id from case_people p where p.partnership_id = c.partnership_id and p.case_id = c.id and p.role = 'perpetrator'
               order by p.person_id)::text[] as perpetrator_ids
       from cases c
       join case_access a on a.partnership_id = c.partnership_id and a.case_id = c.id and a.agency_id = $2
       join case_people v on v.partnership_id = c.partnership_id and v.case_id = c.id and v.role = 'victim'
       where c.partnership_id = $1 and c.status = 'open'
         and not exists (select 1 from restrictions r where r.partnership_id = c.partnership_id and r.removed_at is null
                         and r.subject_id in (select cp.person_id from case_people cp where cp.partnership_id = c.partnership_id and cp.case_id = c.id union all select c.id))
         and (select count(*) from case_people o where o.partnership_id = c.partnership_id and o.person_id = v.person_id) = 1
       order by md5(c.id::text)
       limit $3`,
      [partnershipId, agencyId, limit],
    );
    return rows.map((r) => ({ victimId: r.victim_id, caseId: r.case_id, perpetratorIds: r.perpetrator_ids }));
  } finally {
    await client.end();
  }
}
