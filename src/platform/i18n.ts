import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Locale = 'en';
type Messages = Record<string, string>;

const localeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../locales');
const catalogues = new Map<Locale, Messages>();

function catalogue(locale: Locale): Messages {
  let messages = catalogues.get(locale);
  if (!messages) {
    messages = JSON.parse(fs.readFileSync(path.join(localeDir, `${locale}.json`), 'utf8')) as Messages;
    catalogues.set(locale, messages);
  }
  return messages;
}

/**
 * Looks up a message and fills {placeholders}. With a count of 1, a "<key>.one" message is used when there is one
 * ("1 matching person", not "1 matching people"). A missing key is a bug, so it shows itself rather than failing silently.
 */
export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const messages = catalogue(locale);
  const template = (Number(params.count) === 1 ? messages[`${key}.one`] : undefined) ?? messages[key];
  if (template === undefined) return `[missing text: ${key}]`;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

export function hasMessage(locale: Locale, key: string): boolean {
  return key in catalogue(locale);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;
export const translator =
  (locale: Locale): Translate =>
  (key, params) =>
    translate(locale, key, params);
