import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { formatDate, formatDateTime } from './format.js';
import { translate, type Locale } from './i18n.js';

const srcDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const govukDir = path.join(srcDir, '../node_modules/govuk-frontend/dist');

/**
 * One Nunjucks environment: shared layouts in src/views, module templates addressed as
 * "<module>/views/<name>.njk", GOV.UK Frontend macros as "govuk/...". Filters only format.
 */
export function createViewEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([path.join(srcDir, 'views'), path.join(srcDir, 'modules'), govukDir], {
    noCache: options.watch ?? false,
  });
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  env.addFilter('date', (value: Date | string | null | undefined) => formatDate(value));
  env.addFilter('dateTime', (value: Date | string | null | undefined) => formatDateTime(value));
  env.addGlobal('t', (key: string, params?: Record<string, string | number>) => translate('en' as Locale, key, params));
  return env;
}

export function renderView(env: nunjucks.Environment, template: string, context: object): Promise<string> {
  return new Promise((resolve, reject) => {
    env.render(template, context, (error, html) => (error ? reject(error) : resolve(html ?? '')));
  });
}
