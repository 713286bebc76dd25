import { sql, type Kysely } from 'kysely';

/**
 * Changes made through the API name their token in record_history (issue 3). A token acts for its agency as no
 * particular user, so changed_by alone said only "nobody in particular" (the nil UUID). The history trigger now also
 * reads the transaction-local setting harbour.api_token_id, which actingTransaction sets beside harbour.user_id.
 * Tokens are revoked, never deleted, so every history row keeps pointing at the token that made the change.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table record_history add column changed_by_token_id uuid`.execute(db);
  await sql`
    alter table record_history add constraint record_history_token_fk
      foreign key (partnership_id, changed_by_token_id) references api_tokens (partnership_id, id)`.execute(db);
  await sql`
    create or replace function keep_record_history() returns trigger language plpgsql as $$
    begin
      insert into record_history (partnership_id, table_name, record_id, operation, changed_by, changed_by_token_id, old_row)
      values (old.partnership_id, tg_table_name, old.id, tg_op,
              nullif(current_setting('harbour.user_id', true), '')::uuid,
              nullif(current_setting('harbour.api_token_id', true), '')::uuid,
              to_jsonb(old));
      return null;
    end $$`.execute(db);
}
