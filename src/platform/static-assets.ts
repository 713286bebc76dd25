import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildStylesheet, govukAssetsDir, govukScript, harbourAssetsDir } from './assets.js';
import { errors } from './errors.js';
import { page } from './routes.js';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function sendFile(reply: import('fastify').FastifyReply, file: string) {
  const type = TYPES[path.extname(file)];
  if (!type || !fs.existsSync(file) || !fs.statSync(file).isFile()) throw errors.notFound('File');
  return reply.header('cache-control', 'public, max-age=3600').type(type).send(fs.createReadStream(file));
}

/** Only files under a known folder: the resolved path must stay inside it. */
function within(base: string, relative: string): string {
  const resolved = path.resolve(base, relative);
  if (!resolved.startsWith(base + path.sep)) throw errors.notFound('File');
  return resolved;
}

const fileParams = z.object({ '*': z.string().max(200) });

export function registerStaticAssets(app: FastifyInstance): void {
  const stylesheet = buildStylesheet();
  page(app, { method: 'GET', url: '/assets/harbour.css', access: 'public', audit: 'asset.read', handler: async ({ reply }) => sendFile(reply, stylesheet) });
  page(app, {
    method: 'GET',
    url: '/assets/govuk/govuk-frontend.min.js',
    access: 'public',
    audit: 'asset.read',
    handler: async ({ reply }) => sendFile(reply, govukScript),
  });
  page(app, {
    method: 'GET',
    url: '/assets/govuk/*',
    access: 'public',
    audit: 'asset.read',
    params: fileParams,
    handler: async ({ reply, params }) => sendFile(reply, within(govukAssetsDir, params['*'])),
  });
  page(app, {
    method: 'GET',
    url: '/assets/harbour/*',
    access: 'public',
    audit: 'asset.read',
    params: fileParams,
    handler: async ({ reply, params }) => sendFile(reply, within(harbourAssetsDir, params['*'])),
  });
}
