import { z } from 'zod';
import type { AdminRoute } from './api.ts';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema, as a request (`input`) or response (`output`). */
const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * The OpenAPI 3.1 document of the console's API, generated from the route table and its zod schemas: paths,
 * parameters, request bodies, responses, and who may call each operation (`security` plus `x-roles`).
 */
export const buildOpenApi = (routes: readonly AdminRoute[]) => {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const queryShape = route.query instanceof z.ZodObject ? (route.query.shape as Record<string, z.ZodType>) : {};
    const parameters = [
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(queryShape).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema: schemaOf(schema, 'input'),
      })),
    ];
    const status = String(route.status ?? 200);
    const operation: Json = {
      operationId: `${route.method.toLowerCase()}${route.path
        .replace('/admin/api', '')
        .replace(/\{(\w+)\}/g, 'By-$1')
        .split(/[/.-]/)
        .filter(Boolean)
        .map((w) => w[0]?.toUpperCase() + w.slice(1))
        .join('')}`,
      summary: route.summary,
      tags: [route.tag],
      ...(route.allow === 'public' ? { security: [] } : { 'x-roles': route.allow }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } },
          }
        : {}),
      ...(route.bodyKind === 'image'
        ? {
            requestBody: {
              required: true,
              content: {
                'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
                'image/svg+xml': { schema: { type: 'string', contentMediaType: 'image/svg+xml' } },
              },
            },
          }
        : {}),
      responses: {
        [status]: {
          description: 'OK',
          content: {
            'application/json': { schema: route.response ? schemaOf(route.response, 'output') : { type: 'object' } },
          },
        },
        ...(route.body || route.query || route.bodyKind
          ? { 400: errorResponse('Invalid request (every problem named)') }
          : {}),
        401: errorResponse(route.allow === 'public' ? 'Wrong email or password' : 'No valid token'),
        ...(route.allow === 'public' ? {} : { 403: errorResponse('Your roles do not allow this') }),
        ...(pathParams.length ? { 404: errorResponse('Not found') } : {}),
        ...(route.method !== 'GET' ? { 409: errorResponse('Conflicts with the current state (says which)') } : {}),
      },
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Laurel console API',
      version: '1',
      description:
        'Issuers, the achievement taxonomy and its committee review, rules (live, dry-run, off; stacking), the event log and credentials. Every operation but sign-in needs a bearer token: a Cognito ID token in AWS, a token from POST /admin/api/session in local mode. `x-roles` lists the roles (Cognito groups) allowed; issuer-admin means a group `issuer-admin:<slug>`, limited to that issuer.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', examples: ['REQUEST.INVALID', 'AUTH.FORBIDDEN', 'REVIEW.WRONG_STATE'] },
            message: { type: 'string' },
            issues: {
              type: 'array',
              items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
    paths,
  };
};
