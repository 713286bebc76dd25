import type { ColumnType, Generated } from 'kysely';
import type { Band, BandThresholds, InstrumentDefinition, RiskLevel } from './risk.instrument.js';
import type { Answers } from './risk.scoring.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** jsonb written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** One version of an instrument as a partnership holds it. Rows are never changed: a new wording is a new version. */
export interface RiskInstrumentsTable {
  partnership_id: string;
  instrument_id: string;
  version: number;
  title: string;
  definition: ColumnType<InstrumentDefinition, string, never>;
  source: 'shipped' | 'imported';
  imported_at: CreatedAt;
  imported_by: string | null;
}

/** A partnership's own band thresholds for an instrument (every version of it), e.g. { medium: 8, high: 12 }. */
export interface RiskBandThresholdsTable {
  partnership_id: string;
  instrument_id: string;
  thresholds: Json<BandThresholds>;
  updated_by: string | null;
  updated_at: UpdatedAt;
}

export interface RiskAssessmentsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  person_id: string;
  instrument_id: string;
  instrument_version: number;
  status: ColumnType<'draft' | 'submitted', 'draft' | 'submitted' | undefined, 'draft' | 'submitted'>;
  answers: ColumnType<Answers, string | undefined, string>;
  score: number | null;
  score_band: RiskLevel | null;
  level: RiskLevel | null;
  /** Level above the score's band: set by the database from level and score_band. */
  raised_by_judgement: ColumnType<boolean, never, never>;
  judgement_rationale: string | null;
  /** The bands the score was banded with, the partnership's thresholds applied; null with no cut-off. */
  bands: ColumnType<Band[] | null, string | null | undefined, string | null>;
  assessor_user_id: string | null;
  assessor_agency_id: string;
  assessed_on: string;
  victim_participated: boolean | null;
  submitted_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RiskTables {
  risk_instruments: RiskInstrumentsTable;
  risk_band_thresholds: RiskBandThresholdsTable;
  risk_assessments: RiskAssessmentsTable;
}
