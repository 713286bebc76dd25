import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { page } from './routes.js';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable error code, e.g. unauthenticated, forbidden, validation_failed, not_found' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

type Components = Record<string, unknown>;
type JsonObject = { $ref?: string; properties?: Record<string, unknown> };

/** zod names a schema given .meta({ id }) in $defs; in OpenAPI it is a component, referred to from the whole document. */
function componentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(componentRefs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : componentRefs(v),
    ]),
  );
}

function toSchema(schema: z.ZodType, io: 'input' | 'output', components: Components) {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema: _ignored, $defs, ...rest } = json as { $schema?: unknown; $defs?: Record<string, unknown> };
  for (const [name, definition] of Object.entries($defs ?? {})) {
    const component = componentRefs(definition);
    if (name in components && JSON.stringify(components[name]) !== JSON.stringify(component)) {
      throw new Error(`Two different schemas are named ${name}: give a request body and a response their own ids`);
    }
    components[name] = component;
  }
  return componentRefs(rest);
}

/** Express ":id" paths in OpenAPI "{id}" form. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

/** The OpenAPI 3.1 document, generated from the zod schemas the API routes validate and answer with. */
export function buildOpenApi(app: FastifyInstance) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  for (const route of app.apiRoutes) {
    const parameters: unknown[] = [];
    let versioned = false;
    for (const [location, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input', components) as { properties?: Record<string, unknown>; required?: string[] };
      if (json.properties?.version) versioned = true;
      for (const [name, property] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: location, required: location === 'path' || (json.required ?? []).includes(name), schema: property });
      }
    }
    // A route that takes the record's version (in the body or the query) refuses a stale one.
    const body = route.body ? (toSchema(route.body, 'input', components) as JsonObject) : null;
    const bodyObject = body?.$ref ? (components[String(body.$ref).split('/').pop()!] as JsonObject) : body;
    if (bodyObject?.properties?.version || route.method === 'PATCH') versioned = true;
    if (route.conflict !== undefined) versioned = route.conflict;
    for (const header of route.headers ?? [])
      parameters.push({ name: header.name, in: 'header', required: false, description: header.description, schema: { type: 'string' } });
    const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: route.tags,
      security: [{ bearer: [route.scope] }],
      'x-required-scope': route.scope,
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        [String(route.response.status)]: {
          description: route.response.description,
          content: { 'application/json': { schema: toSchema(route.response.schema, 'output', components) } },
        },
        '400': problem('The request is not valid; errors lists each problem'),
        '401': problem('No valid bearer token'),
        '403': problem('The token lacks the required scope'),
        ...(route.params ? { '404': problem('No such record, or none the token’s agency may see') } : {}),
        ...(versioned ? { '409': problem('The record has changed since the version sent (code edit_conflict)') } : {}),
        ...Object.fromEntries(Object.entries(route.problems ?? {}).map(([status, description]) => [status, problem(description)])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Harbour API',
      version: '1.0.0',
      description:
        'JSON API for partner agencies’ systems. Authenticate with `Authorization: Bearer <token>`; tokens are created with `npx harbour token create --agency CODE --scopes a,b`. Errors are application/problem+json.',
    },
    servers: [{ url: app.config.baseUrl }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An agency API token (hbr_…)' } },
      schemas: { Problem: problemSchema, ...components },
    },
  };
}

export function registerOpenApi(app: FastifyInstance): void {
  page(app, {
    method: 'GET',
    url: '/api/v1/openapi.json',
    access: 'public',
    audit: 'api.openapi.read',
    handler: async ({ reply }) => reply.type('application/json').send(buildOpenApi(app)),
  });
}
