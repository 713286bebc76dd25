import type { Principal } from '../../platform/principal.js';

/**
 * Who may see an assessment is who may see its case (people.policy.ts caseVisible, applied in risk.repository.ts):
 * one the viewer may not see is not found. Instruments and band thresholds are the partnership's settings, not
 * personal data: those who manage the partnership's settings change them, and so does the command line, which
 * acts for its administrators.
 */
export function mayConfigureInstruments(principal: Principal): boolean {
  return principal.kind === 'system' || (principal.kind === 'user' && principal.permissions.has('settings:manage'));
}
