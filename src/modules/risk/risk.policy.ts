import type { Principal } from '../../platform/principal.js';

/**
 * Who may see an assessment is who may see its case (people.policy.ts caseVisible, applied in risk.repository.ts):
 * one the viewer may not see is not found. Instruments and band thresholds are the partnership's settings, not
 * personal data: its administrators change them, and so does the command line, which acts for them.
 * (A role check until the platform has a permission for partnership settings.)
 */
export function mayConfigureInstruments(principal: Principal): boolean {
  return principal.kind === 'system' || (principal.kind === 'user' && principal.roles.includes('admin'));
}
