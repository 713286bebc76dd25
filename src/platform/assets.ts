import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stylesheet = path.join(root, 'src/views/styles/app.scss');
const govukPackage = path.join(root, 'node_modules/govuk-frontend/package.json');

/**
 * Compiles Harbour's stylesheet (GOV.UK Frontend with Arial, no GDS Transport) once per source change,
 * caching the CSS under .cache so tests and restarts do not recompile. Returns the CSS file's path.
 */
export function buildStylesheet(): string {
  const source = fs.readFileSync(stylesheet, 'utf8');
  const version = JSON.parse(fs.readFileSync(govukPackage, 'utf8')).version as string;
  const key = createHash('sha256').update(source).update(version).digest('hex').slice(0, 16);
  const out = path.join(root, '.cache', `harbour-${key}.css`);
  if (!fs.existsSync(out)) {
    const result = sass.compile(stylesheet, {
      loadPaths: [path.join(root, 'node_modules')],
      style: 'compressed',
      quietDeps: true,
      silenceDeprecations: ['import', 'global-builtin', 'slash-div'],
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const temp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(temp, result.css);
    fs.renameSync(temp, out);
  }
  return out;
}

export const govukAssetsDir = path.join(root, 'node_modules/govuk-frontend/dist/govuk/assets');
export const govukScript = path.join(root, 'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js');
export const harbourAssetsDir = path.join(root, 'src/views/assets');
