import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { riskErrors } from './risk.errors.js';
import { applyThresholds, parseInstrument, questionsOf, SHIPPED_INSTRUMENTS, type BandThresholds } from './risk.instrument.js';
import { mayConfigureInstruments } from './risk.policy.js';
import * as repo from './risk.repository.js';
import { bandsInUse, ensureShippedInstruments } from './risk.service.js';

/**
 * The partnership's risk settings (docs/risk-instruments.md): which instrument versions it holds, its own band
 * thresholds, and importing a new version. Changed by those who manage settings, and by the command line.
 */

/** The latest version of each instrument with its bands as this partnership applies them, for the settings page. */
export async function instrumentSettings(db: Db, partnershipId: string) {
  await ensureShippedInstruments(db, partnershipId);
  const versions = await repo.listInstrumentVersions(db, partnershipId);
  const latest = versions.filter((row, i) => versions[i - 1]?.instrument_id !== row.instrument_id);
  return Promise.all(
    latest.map(async (row) => ({
      id: row.instrument_id,
      title: row.title,
      version: row.version,
      versions: versions.filter((v) => v.instrument_id === row.instrument_id).length,
      bands: await bandsInUse(db, partnershipId, row.definition),
      ownBands: row.definition.scoring.bands,
      thresholds: await repo.findThresholds(db, partnershipId, row.instrument_id),
    })),
  );
}

function assertMayConfigure(actor: Actor): void {
  if (!mayConfigureInstruments(actor.principal)) throw errors.forbidden();
}

/**
 * Adds a version of an instrument (e.g. licensed official wording) from its definition. It must be newer than any
 * version held, so "the latest" is always the one added last, and it must work with the partnership's thresholds.
 */
export async function importInstrument(db: Db, actor: Actor, raw: unknown): Promise<{ id: string; version: number }> {
  assertMayConfigure(actor);
  const partnershipId = actor.principal.partnershipId;
  await ensureShippedInstruments(db, partnershipId);
  return actingTransaction(db, actor, async (trx) => {
    const held = await repo.listInstrumentVersions(trx, partnershipId);
    const parsed = parseInstrument(raw, new Set([...SHIPPED_INSTRUMENTS.map((i) => i.id), ...held.map((h) => h.instrument_id)]));
    if (!parsed.ok) throw riskErrors.invalidInstrument(parsed.problems);
    const definition = parsed.instrument;
    const latest = held.find((h) => h.instrument_id === definition.id);
    if (latest && definition.version <= latest.version) throw riskErrors.versionNotNewer(definition.id, latest.version);
    await bandsInUse(trx, partnershipId, definition);
    const importedBy = actor.principal.kind === 'user' ? actor.principal.userId : null;
    await repo.insertInstrumentVersions(trx, partnershipId, [definition], 'imported', importedBy);
    await actor.record(trx, {
      action: 'risk.instrument.import',
      outcome: 'success',
      subjectType: 'risk_instrument',
      subjectId: `${definition.id}@${definition.version}`,
      details: { title: definition.title, questions: questionsOf(definition).length },
    });
    return { id: definition.id, version: definition.version };
  });
}

/**
 * Sets (or, with null, removes) the partnership's own thresholds for an instrument's bands. They must give valid
 * bands for every version held that has a score cut-off. Past assessments keep the bands they were banded with.
 */
export async function setBandThresholds(db: Db, actor: Actor, instrumentId: string, thresholds: BandThresholds | null): Promise<void> {
  assertMayConfigure(actor);
  const partnershipId = actor.principal.partnershipId;
  await ensureShippedInstruments(db, partnershipId);
  await actingTransaction(db, actor, async (trx) => {
    const versions = await repo.listInstrumentVersions(trx, partnershipId, instrumentId);
    if (versions.length === 0) throw riskErrors.unknownInstrument(instrumentId);
    const before = await repo.findThresholds(trx, partnershipId, instrumentId);
    if (thresholds) {
      const banded = versions.filter((v) => v.definition.scoring.bands);
      if (banded.length === 0) throw riskErrors.invalidThresholds([{ field: 'thresholds', message: `${instrumentId} has no score cut-off to change` }]);
      for (const { definition } of banded) {
        const applied = applyThresholds(definition.scoring.bands!, thresholds, questionsOf(definition).length);
        if (!applied.ok) throw riskErrors.invalidThresholds(applied.problems);
      }
      await repo.saveThresholds(trx, partnershipId, instrumentId, thresholds, actor.principal.kind === 'user' ? actor.principal.userId : null);
    } else {
      await repo.deleteThresholds(trx, partnershipId, instrumentId);
    }
    await actor.record(trx, {
      action: 'risk.bands.update',
      outcome: 'success',
      subjectType: 'risk_instrument',
      subjectId: instrumentId,
      details: { before, after: thresholds },
    });
  });
}
