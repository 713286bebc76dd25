import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const ISSUER = 'Harbour';

function totpFor(secretBase32: string, label = 'user'): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * Accepts the current code and one step either side, for clock drift. Returns the time step the code
 * belongs to (so a code can be refused if its step was already used), or null when the code is wrong.
 */
export function matchTotpStep(secretBase32: string, code: string, at = Date.now()): number | null {
  const cleaned = code.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(cleaned)) return null;
  const delta = totpFor(secretBase32).validate({ token: cleaned, timestamp: at, window: 1 });
  return delta === null ? null : Math.floor(at / 30_000) + delta;
}

export function currentTotp(secretBase32: string, at = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: at });
}

export function totpUri(secretBase32: string, email: string): string {
  return totpFor(secretBase32, email).toString();
}

/** An inline SVG QR code: no external image, nothing for the CSP to allow. */
export function totpQrSvg(secretBase32: string, email: string): Promise<string> {
  return QRCode.toString(totpUri(secretBase32, email), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
