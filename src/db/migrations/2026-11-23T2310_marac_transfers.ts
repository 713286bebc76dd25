import { sql, type Kysely } from 'kysely';

/**
 * MARAC-to-MARAC transfers (issue 5, DOMAIN.md §3; docs/marac-transfers.md).
 *
 * - marac_transfer_keys: the sending partnerships whose signed packets this partnership accepts, by the SHA-256 of
 *   their Ed25519 public key. A key is revoked, never removed, so the transfers it verified still name it.
 * - marac_transfers: every packet exported (out) or imported (in), append-only. A packet id is imported once: the
 *   unique key refuses a replay even from two requests at the same moment. An import keeps the whole signed packet,
 *   so what was received can be verified again and shown as the sending MARAC wrote it.
 *
 * Transfers hold case content, so they sit behind the case's row-level security (ADR 0003) like the other MARAC
 * tables; the trusted keys hold none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table marac_transfer_keys (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      key_id text not null check (key_id ~ '^[0-9a-f]{64}$'),
      public_key text not null check (length(public_key) between 1 and 1000),
      added_by uuid,
      added_at timestamptz not null default now(),
      revoked_at timestamptz,
      revoked_by uuid,
      primary key (partnership_id, id),
      unique (partnership_id, key_id),
      foreign key (partnership_id, added_by) references users(partnership_id, id),
      foreign key (partnership_id, revoked_by) references users(partnership_id, id)
    )`.execute(db);
  await sql`revoke delete, truncate on marac_transfer_keys from harbour_app`.execute(db);

  await sql`
    create table marac_transfers (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      direction text not null check (direction in ('out', 'in')),
      packet_id uuid not null,
      -- SHA-256 (hex) of the signed payload's bytes: what the signature covers.
      payload_sha256 text not null check (payload_sha256 ~ '^[0-9a-f]{64}$'),
      key_id text not null check (key_id ~ '^[0-9a-f]{64}$'),
      case_id uuid not null,
      referral_id uuid,
      -- Out: the receiving MARAC as the coordinator named it. In: the sending partnership as the packet names it.
      counterpart text not null check (length(counterpart) between 1 and 200),
      reason text not null check (length(reason) between 1 and 2000),
      packet jsonb,
      created_by uuid,
      created_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, direction, packet_id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, referral_id) references referrals(partnership_id, id),
      foreign key (partnership_id, created_by) references users(partnership_id, id),
      check ((direction = 'in') = (referral_id is not null)),
      check ((direction = 'in') = (packet is not null))
    )`.execute(db);
  await sql`create index marac_transfers_case_idx on marac_transfers (partnership_id, case_id)`.execute(db);
  await sql`create index marac_transfers_list_idx on marac_transfers (partnership_id, created_at desc)`.execute(db);
  await sql`create unique index marac_transfers_referral_key on marac_transfers (partnership_id, referral_id) where referral_id is not null`.execute(db);
  await sql`revoke update, delete, truncate on marac_transfers from harbour_app`.execute(db);

  const rule = sql.raw('exists (select 1 from cases c where c.partnership_id = marac_transfers.partnership_id and c.id = marac_transfers.case_id)');
  await sql`alter table marac_transfers enable row level security`.execute(db);
  await sql`create policy viewer_access on marac_transfers to harbour_app using (${rule}) with check (${rule})`.execute(db);
}
