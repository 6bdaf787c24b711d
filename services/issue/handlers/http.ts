import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { AccessTokenError, VC_API_ISSUE_SCOPE } from '#shared/runtime/access-token.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import { INVALID_JSON, json, readJson, routeRequests } from '#shared/runtime/http.ts';
import { type IssueHandlerDeps, wiring } from '../wiring.ts';

/** A credential is a few kilobytes; anything this large is not one. */
const MAX_BODY_CHARS = 512 * 1024;
const NO_STORE = { 'cache-control': 'no-store' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** W3C VC-API `POST /credentials/issue`: `{credential, options?}` in, `201 {verifiableCredential}` out. */
export const buildHandler = (deps: IssueHandlerDeps = wiring()) =>
  middy(
    routeRequests(
      {
        'POST /credentials/issue': async (event) => {
          let clientId: string;
          try {
            ({ clientId } = await deps.verifyToken(event.headers.authorization, VC_API_ISSUE_SCOPE));
          } catch (error) {
            if (!(error instanceof AccessTokenError)) throw error;
            return json(
              error.status,
              { code: error.code, message: error.message },
              { ...NO_STORE, 'www-authenticate': error.challenge },
            );
          }
          if ((event.body?.length ?? 0) > MAX_BODY_CHARS) {
            throw new HttpError(413, 'REQUEST.TOO_LARGE', 'the request body is larger than a credential can be');
          }
          const body = readJson(event);
          if (body === INVALID_JSON) throw new HttpError(400, 'REQUEST.INVALID_JSON', 'the request body is not JSON');
          if (!isObject(body) || !isObject(body.credential)) {
            throw new HttpError(400, 'REQUEST.INVALID', 'the body must be {"credential": {...}, "options": {...}}');
          }
          if (body.options !== undefined && !isObject(body.options)) {
            throw new HttpError(400, 'REQUEST.INVALID', 'options must be an object');
          }
          const { verifiableCredential, issuerSlug } = await deps.issue({ clientId, credential: body.credential });
          // Ids only: the credential's subject may be a person.
          deps.logger.info('credential issued', {
            clientId,
            issuerSlug,
            ...(typeof verifiableCredential.id === 'string' ? { credentialId: verifiableCredential.id } : {}),
          });
          return json(201, { verifiableCredential }, NO_STORE);
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));

export const handler = buildHandler();
