/**
 * A generated partnership for `npm run bench -- --people`: by default 1,000,000 people and 300,000 cases,
 * written set-based (INSERT … SELECT generate_series) in one session, so PostgreSQL does all the work.
 *
 * Every name is invented: given and family names are built from syllables, and a name's popularity follows
 * a power law (a few very common family names, a long tail), as real surnames do. Search keys are what the
 * people module stores: lower-case letters only, and dmetaphone() computed in SQL once per distinct name.
 *
 * People 1–400,000 are the victim pool, 400,001–700,000 the perpetrator pool and 700,001–1,000,000 children
 * (scaled with BENCH_PEOPLE_SCALE). Each case has one victim, one or two perpetrators and 0–3 children (siblings),
 * an owning agency, and is shared with 0–3 others. ~10 % of people have a second name (known as, previous,
 * alternative spelling), ~75 % an address, ~65 % a phone; ~1.5 % of cases and ~0.5 % of people have a
 * must-not-see entry. Ids are UUIDs derived from md5 of the row number (valid version-4 form).
 */
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/db/database.js';
import { caseVisible, personVisible, type Viewer } from '../src/modules/people/people.policy.js';
import { generationSteps } from './setup.js';

export type GeneratedCounts = Record<string, number>;
export type Generation = { seconds: number; steps: { step: string; seconds: number }[]; counts: GeneratedCounts };

const GIVEN_STARTS = 'al,bren,cal,dar,el,fen,gar,hal,is,jor,kel,lor,mar,nor,or,per,ros,sel,tam,wil'.split(',');
const GIVEN_ENDS = 'a,an,en,ie,ia,ine,o,on,y,ette,ard,ric,wyn,ella,us,el,iam,ah,ey,is'.split(',');
const FAMILY_STARTS =
  'ash,bar,black,bram,brad,carr,chad,dal,dun,ell,fair,far,gar,hart,hol,hux,kel,kes,lang,lock,mar,mor,nor,ock,pem,pen,rad,rock,sal,shel,stan,sut,tall,thorn,wal,wel,whit,wick,win,york'.split(
    ',',
  );
const FAMILY_MIDDLES = ',,,,a,e,i,o,ing,er,en,el,an,on,ley,by,ham,ings,ow,ter'.split(',');
const FAMILY_ENDS =
  'ton,field,ley,worth,well,by,ham,ford,wood,more,dale,son,croft,hurst,ridge,stead,wick,cott,brook,lowe,mere,shaw,gate,land,berry,ington,er,ell,an,s,e,y,ock,den,ney,rick,man,ward,lock,bury'.split(
    ',',
  );
const STREETS = 'High Street,Station Road,Church Lane,Mill Road,Park Avenue,Harbour Row,Quay Street,Victoria Road,Orchard Close,Elm Grove'.split(',');
const TOWNS = 'Northfield,Riverside,Eastvale,Harbourton,Saltmarsh,Kestrel Bay,Upper Denby,Westcombe'.split(',');
/** Owning agency of cases and people, in percent. */
const AGENCY_WEIGHTS: Record<string, number> = {
  POLICE: 30,
  IDVA: 20,
  CSC: 14,
  HOUSING: 8,
  HEALTH: 6,
  REFUGE: 5,
  PROBATION: 5,
  ASC: 3,
  MH: 3,
  COUNCIL: 2,
  SUBSTANCE: 2,
  EDUCATION: 1,
  CPS: 1,
};

/** UUID from md5 of a label, with the version (4) and variant (8) digits set so that z.uuid() accepts it. */
const UID = `create function pg_temp.uid(label text) returns uuid language sql immutable as
  $$ select overlay(overlay(md5(label) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid $$`;

export async function generatePeople(
  connectionString: string,
  partnershipId: string,
  scale = 1,
  log: (line: string) => void = console.log,
): Promise<Generation> {
  const PEOPLE = Math.round(1_000_000 * scale);
  const CASES = Math.round(300_000 * scale);
  const [VICTIMS, PERPS] = [Math.round(PEOPLE * 0.4), Math.round(PEOPLE * 0.3)];
  const CHILDREN = PEOPLE - VICTIMS - PERPS;
  const client = new pg.Client({ connectionString });
  await client.connect();
  const started = Date.now();
  const { steps, step } = generationSteps(client, log);
  try {
    const { rows: agencyRows } = await client.query<{ id: string; code: string }>('select id, code from agencies where partnership_id = $1', [partnershipId]);
    const agencies = new Map(agencyRows.map((a) => [a.code, a.id]));
    const weighted = Object.entries(AGENCY_WEIGHTS).flatMap(([code, weight]) => Array<string>(weight).fill(agencies.get(code)!));
    const allAgencies = [...agencies.values()];
    const users = (await client.query<{ id: string }>('select id from users where partnership_id = $1', [partnershipId])).rows.map((u) => u.id);
    const P = partnershipId;

    await client.query(`set synchronous_commit = off; set maintenance_work_mem = '256MB'; set work_mem = '64MB'`);
    // Foreign keys are right by construction; skipping their per-row checks (superuser only) saves much of the load time.
    await client.query('set session_replication_role = replica').catch(() => log('  (not a superuser: foreign keys are checked row by row)'));
    await client.query(UID);
    await client.query('select setseed(0.2026)');
    const tables = [
      'people',
      'person_names',
      'person_addresses',
      'person_contacts',
      'cases',
      'case_people',
      'case_agencies',
      'restrictions',
      'audit_events',
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
      'name lists',
      [
        `create temp table given_names as
         select (row_number() over (order by md5(s || e)) - 1)::int as k, initcap(s || e) as name, s || e as key, dmetaphone(s || e) as metaphone
         from unnest($1::text[]) s, unnest($2::text[]) e`,
        [GIVEN_STARTS, GIVEN_ENDS],
      ],
      [
        `create temp table family_names as
         select (row_number() over (order by md5(s || m || e)) - 1)::int as k, initcap(s || m || e) as name, s || m || e as key, dmetaphone(s || m || e) as metaphone
         from unnest($1::text[]) s, unnest($2::text[]) m, unnest($3::text[]) e`,
        [FAMILY_STARTS, FAMILY_MIDDLES, FAMILY_ENDS],
      ],
      ['create index on given_names (k); create index on family_names (k); analyze given_names; analyze family_names'],
    );
    const G = GIVEN_STARTS.length * GIVEN_ENDS.length;
    const F = FAMILY_STARTS.length * FAMILY_MIDDLES.length * FAMILY_ENDS.length;

    await step(`people (${PEOPLE.toLocaleString('en-GB')})`, [
      `insert into people (partnership_id, id, owning_agency_id, date_of_birth, estimated_age, estimated_age_on, gender, created_at, updated_at)
       select $1::uuid, pg_temp.uid('person:' || i), ($2::uuid[])[1 + floor(random() * 100)::int],
         case when not estimated then current_date - (case when child then floor(random() * 6500) else 6600 + floor(random() * 22000) end)::int end,
         case when estimated then (case when child then floor(random() * 17) else 18 + floor(random() * 55) end)::int end,
         case when estimated then current_date - floor(random() * 2000)::int end,
         case when child then null when (i <= $3::int) = (random() < 0.88) then 'woman' else 'man' end, created, created
       from (select i, i > $3::int + $4::int as child, random() < 0.08 as estimated, now() - random() * interval '6 years' as created
             from generate_series(1, $5::int) i) g`,
      [P, weighted, VICTIMS, PERPS, PEOPLE],
    ]);
    await step('primary names', [
      `insert into person_names (partnership_id, person_id, kind, given_name, family_name, is_primary, given_key, family_key, family_metaphone, given_metaphone)
       select $1::uuid, pg_temp.uid('person:' || r.i), 'legal', g.name, f.name, true, g.key, f.key, f.metaphone, g.metaphone
       from (select i, floor($2::int * random() ^ 2)::int as gk, floor($3::int * random() ^ 2.5)::int as fk from generate_series(1, $4::int) i) r
       join given_names g on g.k = r.gk join family_names f on f.k = r.fk`,
      [P, G, F, PEOPLE],
    ]);
    // ~10 % have another name: known as (another given name), previous (another family name) or an alternative spelling (a letter dropped).
    await step('other names (~10 %)', [
      `insert into person_names (partnership_id, person_id, kind, given_name, family_name, is_primary, given_key, family_key, family_metaphone, given_metaphone)
       select $1::uuid, person_id, kind, initcap(gkey), initcap(fkey), false, gkey, fkey, dmetaphone(fkey), dmetaphone(gkey)
       from (select a.person_id, a.kind, case when a.kind = 'known_as' then g.key else a.given_key end as gkey,
               case when a.kind = 'previous' then f.key
                    when a.kind = 'alternative_spelling' then overlay(a.family_key placing '' from 2 + floor(random() * (length(a.family_key) - 2))::int for 1)
                    else a.family_key end as fkey
             from (select n.person_id, n.given_key, n.family_key, floor($2::int * random() ^ 2)::int as gk, floor($3::int * random() ^ 2.5)::int as fk,
                     (array['known_as', 'known_as', 'previous', 'previous', 'alternative_spelling'])[1 + floor(random() * 5)::int] as kind
                   from person_names n where n.is_primary and random() < 0.10) a
             join given_names g on g.k = a.gk join family_names f on f.k = a.fk) x`,
      [P, G, F],
    ]);
    // Postcodes HB1–HB30, sector 0–9, 100 units: 30,000 postcodes, ~29 addresses each. 0.5 % are refuge addresses.
    await step('addresses (~75 % of people; 15 % of them a previous one too)', [
      `insert into person_addresses (partnership_id, person_id, line1, town, postcode, postcode_key, is_current, confidential_refuge, recorded_by_agency_id, from_date)
       select $1::uuid, pg_temp.uid('person:' || i), (1 + floor(random() * 200))::int || ' ' || ($2::text[])[1 + floor(random() * 10)::int],
         ($3::text[])[1 + floor(random() * 8)::int], pc, replace(pc, ' ', ''), c, refuge,
         case when refuge then $4::uuid else ($5::uuid[])[1 + floor(random() * 100)::int] end, current_date - floor(random() * 3000)::int
       from (select s.i, cur.c, random() < 0.005 as refuge,
               'HB' || (1 + floor(random() * 30))::int || ' ' || floor(random() * 10)::int || chr(65 + floor(random() * 10)::int) || chr(75 + floor(random() * 10)::int) as pc
             from (select i from generate_series(1, $6::int) i where random() < 0.75) s
             cross join lateral (select true as c union all select false where random() < 0.15 and s.i > 0) cur) a`,
      [P, STREETS, TOWNS, agencies.get('REFUGE'), weighted, PEOPLE],
    ]);
    await step(
      'phones (~65 %) and emails (~20 %)',
      [
        `insert into person_contacts (partnership_id, person_id, kind, value, value_key, is_safe)
         select $1::uuid, pg_temp.uid('person:' || i), 'phone', substr(d, 1, 5) || ' ' || substr(d, 6), d, random() < 0.3
         from (select s.i, '07' || lpad(floor(random() * 1e9)::bigint::text, 9, '0') as d
               from (select i from generate_series(1, $2::int) i where random() < 0.65) s
               cross join lateral (select 1 union all select 2 where random() < 0.1 and s.i > 0) k) c`,
        [P, PEOPLE],
      ],
      [
        `insert into person_contacts (partnership_id, person_id, kind, value, value_key, is_safe)
         select $1::uuid, person_id, 'email', e, e, random() < 0.3
         from (select person_id, given_key || '.' || family_key || floor(random() * 1000)::int || '@example.com' as e
               from person_names where is_primary and random() < 0.2) n`,
        [P],
      ],
    );

    await step(
      `cases (${CASES.toLocaleString('en-GB')})`,
      [
        `create temp table gc as
         select j, pg_temp.uid('case:' || j) as id, ($1::uuid[])[1 + floor(random() * 100)::int] as agency, current_date - floor(random() * 2190)::int as opened_on,
           1 + floor(random() * $2::int)::int as victim, $2::int + 1 + floor(random() * $3::int)::int as perp, (random() < 0.25)::int + 1 as perps,
           $2::int + $3::int + 1 + floor(random() * $4::int)::int as child0, (array[0, 0, 0, 1, 1, 1, 2, 2, 3, 3])[1 + floor(random() * 10)::int] as children,
           (array[0, 0, 0, 0, 0, 0, 0, 1, 1, 2])[1 + floor(random() * 10)::int] as flags, (array[0, 0, 0, 1, 1, 1, 1, 2, 2, 3])[1 + floor(random() * 10)::int] as shared
         from generate_series(1, $5::int) j`,
        [weighted, VICTIMS, PERPS, CHILDREN, CASES],
      ],
      [
        `insert into cases (partnership_id, id, reference, owning_agency_id, status, flags, opened_on, closed_on, created_at, updated_at)
         select $1::uuid, id, 'HBR-' || extract(year from opened_on) || '-' || lpad(j::text, 6, '0'), agency, st, fl, opened_on,
           case when st = 'closed' then least(current_date, opened_on + 30 + floor(random() * 300)::int) end, opened_on, opened_on
         from (select gc.*, case when opened_on < current_date - 120 and random() < 0.8 then 'closed' else 'open' end as st,
                 array(select f from unnest($2::text[]) f order by random() limit gc.flags) as fl from gc) c`,
        [P, ['stalking', 'substance_misuse', 'mental_health', 'pregnancy', 'honour_based_abuse', 'disability']],
      ],
      [`select setval('case_reference_seq', $1::int)`, [CASES]],
    );
    await step('case people', [
      `insert into case_people (partnership_id, case_id, person_id, role, relationship, lives_with, added_at)
       select $1::uuid, id, pg_temp.uid('person:' || victim), 'victim', null, null, opened_on from gc
       union all
       select $1::uuid, id, pg_temp.uid('person:' || ($2::int + 1 + (perp - $2::int - 1 + k) % $3::int)), 'perpetrator',
         (array['partner', 'ex_partner', 'spouse', 'ex_partner', 'parent_of_same_child', 'relative_child'])[1 + floor(random() * 6)::int], null, opened_on + k
       from gc, generate_series(0, perps - 1) k
       union all
       select $1::uuid, id, pg_temp.uid('person:' || ($2::int + $3::int + 1 + (child0 - $2::int - $3::int - 1 + k) % $4::int)), 'child',
         jsonb_build_object(pg_temp.uid('person:' || victim), 'child', pg_temp.uid('person:' || perp), 'child')::text,
         (array['victim', 'victim', 'both', 'perpetrator', 'elsewhere'])[1 + floor(random() * 5)::int], opened_on + 2 + k
       from gc, generate_series(0, children - 1) k`,
      [P, VICTIMS, PERPS, CHILDREN],
    ]);
    // Shared with 0–3 other agencies; Children's Social Care with half the cases that have children.
    await step('case agencies', [
      `insert into case_agencies (partnership_id, case_id, agency_id, added_at)
       select $1::uuid, gc.id, a.id, gc.opened_on + 1 from gc
       cross join lateral (select x.id from unnest($2::uuid[]) x(id) where x.id <> gc.agency order by random() limit gc.shared) a
       union all
       select $1::uuid, id, $3::uuid, opened_on + 2 from gc where children > 0 and agency <> $3::uuid and random() < 0.5
       on conflict do nothing`,
      [P, allAgencies, agencies.get('CSC')],
    ]);
    // Blocked: a user (30 %) or an agency other than the record's owner; 10 % of entries since removed.
    await step('must-not-see entries', [
      `insert into restrictions (partnership_id, subject_type, subject_id, blocked_user_id, blocked_agency_id, reason, created_at, removed_at)
       select $1::uuid, subject_type, subject_id, case when by_user then ($3::uuid[])[1 + floor(random() * cardinality($3::uuid[]))::int] end,
         case when not by_user then (array_remove($2::uuid[], owner))[1 + floor(random() * (cardinality($2::uuid[]) - 1))::int] end,
         'Generated for the benchmark', now(), case when random() < 0.1 then now() end
       from (select 'case' as subject_type, id as subject_id, agency as owner, random() < 0.3 as by_user from gc where random() < 0.015
             union all
             select 'person', id, owning_agency_id, random() < 0.3 from people where random() < 0.005) r`,
      [P, allAgencies, users],
    ]);
    // The timeline reads case events from the audit log: one "case.create" per case (placeholder hashes: the chain does not verify).
    await step('audit events (case.create)', [
      `insert into audit_events (seq, occurred_at, partnership_id, agency_id, action, outcome, subject_type, subject_id, details, prev_hash, hash)
       select (select coalesce(max(seq), 0) from audit_events) + row_number() over (order by opened_on, j), opened_on + time '09:00', $1::uuid, agency,
         'case.create', 'success', 'case', id::text, jsonb_build_object('openedOn', opened_on, 'generated', true), 'generated', 'generated'
       from gc`,
      [P],
    ]);
    // Row-level security reads who may see what from access tables that triggers keep; the load bypassed them.
    await step('access tables (row-level security)', ['select harbour_rebuild_access()']);
    await client.query('set session_replication_role = origin').catch(() => undefined);
    await step('build the secondary indexes again', [indexes.map((i) => `${i.def};`).join(' ')]);
    await step('vacuum analyze', [`vacuum analyze ${tables.join(', ')}`]);
    const counts: GeneratedCounts = {};
    for (const table of tables) counts[table] = Number((await client.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
    return { seconds: (Date.now() - started) / 1000, steps, counts };
  } finally {
    await client.end();
  }
}

/** Spelling mistakes that keep the sound, as when a name heard on the phone is typed. */
const TYPOS: [RegExp, string][] = [
  [/(?<=.)([bdfgklmnprt])(?!\1)/, '$1$1'],
  [/([bdfgklmnprt])\1/, '$1'],
  [/(?<=.)y/, 'i'],
  [/(?<=.)i/, 'y'],
  [/(?<=.)o/, 'oa'],
  [/(?<=.)e(?=.)/, 'a'],
  [/ck/, 'k'],
  [/(?<=.)a(?=.)/, 'e'],
  [/s$/, 'ss'],
];

export function misspell(name: string, seed: number): string {
  const lower = name.toLowerCase();
  for (let k = 0; k < TYPOS.length; k++) {
    const [pattern, replacement] = TYPOS[(seed + k) % TYPOS.length]!;
    const changed = lower.replace(pattern, replacement);
    if (changed !== lower) return changed.charAt(0).toUpperCase() + changed.slice(1);
  }
  return `${name}e`;
}

export type Sample = { id: string; given: string; family: string; dob: string | null; phone: string | null; postcode: string | null };

/** Visible people (with a phone and a current postcode where they have one) and visible cases, in a fixed pseudo-random order. */
export async function sample(db: Db, viewer: Viewer, percent: number, limit: number) {
  const sampled = (table: string, alias: string) => sql`${sql.table(table)} as ${sql.raw(alias)} tablesample bernoulli (${sql.lit(percent)}) repeatable (7)`;
  const people = await sql<Sample>`
    select p.id, n.given_name as given, n.family_name as family, p.date_of_birth::text as dob,
      (select c.value from person_contacts c where c.partnership_id = p.partnership_id and c.person_id = p.id and c.kind = 'phone' limit 1) as phone,
      (select a.postcode from person_addresses a where a.partnership_id = p.partnership_id and a.person_id = p.id and a.is_current limit 1) as postcode
    from ${sampled('people', 'p')} join person_names n on n.partnership_id = p.partnership_id and n.person_id = p.id and n.is_primary
    where ${personVisible(viewer, 'p')} order by md5(p.id::text) limit ${limit}`.execute(db);
  const cases = await sql<{ id: string }>`
    select c.id from ${sampled('cases', 'c')} where ${caseVisible(viewer, 'c')} order by md5(c.id::text) limit ${limit}`.execute(db);
  return { people: people.rows, cases: cases.rows.map((c) => c.id) };
}
