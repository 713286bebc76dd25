import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export type TransferDirection = 'out' | 'in';

/** A sending partnership whose packets this partnership accepts (migration 2026-11-23T2310_marac_transfers). */
export interface MaracTransferKeysTable {
  partnership_id: string;
  id: Generated<string>;
  name: string;
  /** SHA-256 (hex) of the Ed25519 public key's SPKI DER. */
  key_id: string;
  /** SPKI PEM. */
  public_key: string;
  added_by: string | null;
  added_at: CreatedAt;
  revoked_at: Date | null;
  revoked_by: string | null;
}

/** A packet exported or imported; never changed. */
export interface MaracTransfersTable {
  partnership_id: string;
  id: Generated<string>;
  direction: TransferDirection;
  packet_id: string;
  payload_sha256: string;
  key_id: string;
  case_id: string;
  referral_id: string | null;
  counterpart: string;
  reason: string;
  /** In: the signed packet as received (jsonb written as a JSON string). */
  packet: ColumnType<unknown, string | null, never>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface MaracTransferTables {
  marac_transfer_keys: MaracTransferKeysTable;
  marac_transfers: MaracTransfersTable;
}
