import { sql, type Kysely } from 'kysely';

/**
 * Indexes for people and cases at scale (issue 3; measured with `npm run bench -- --people` on 1,000,000 people and
 * 300,000 cases, docs/performance.md "People and cases at scale").
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Search and the duplicate check: a family name's sound, then the given name's sound or its start, in the index,
  // so a common family name (18,000 name rows share the commonest sound) no longer fetches and checks every row
  // that sounds like it. They serve the search once its family test is by sound alone and its given-name prefix
  // test is starts_with() (performance.md); text_pattern_ops lets a prefix use the index under any collation.
  await sql`create index person_names_sound_given_sound_idx on person_names (partnership_id, family_metaphone, given_metaphone)`.execute(db);
  await sql`create index person_names_sound_given_key_idx on person_names (partnership_id, family_metaphone, given_key text_pattern_ops)`.execute(db);
  // The case page lists a subject's "must not see" entries with the removed ones, which the partial
  // restrictions_subject_idx leaves out: without this, every page view read the whole table.
  await sql`create index restrictions_subject_all_idx on restrictions (partnership_id, subject_id)`.execute(db);
  // The case timeline reads a case's changes from the audit log; every view of the case is audited under the same
  // subject, so without the action in the index a long-running case walks past all its views on every page.
  await sql`create index audit_events_subject_action_idx on audit_events (subject_type, subject_id, action)`.execute(db);
}
