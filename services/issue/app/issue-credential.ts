import { canonize } from '#shared/credentials/data-integrity.ts';
import { toDateTimeStamp } from '#shared/credentials/date-time.ts';
import { UnknownDocumentError } from '#shared/credentials/document-loader.ts';
import { issuerDid, signingMethod } from '#shared/credentials/issuer-keys.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import { credentialShapeProblems, issuerIdOf } from '../domain/credential-shape.ts';
import type { Clock, CredentialSigner, IssueStore } from './ports.ts';

export interface IssueDeps {
  store: IssueStore;
  signer: CredentialSigner;
  clock: Clock;
  publicBaseUrl: string;
}

export interface IssueInput {
  /** The authenticated OAuth client. */
  clientId: string;
  credential: Record<string, unknown>;
}

export interface IssueResult {
  verifiableCredential: Record<string, unknown>;
  issuerSlug: string;
}

/** What jsonld's safe mode objected to, e.g. `property "foo" is not defined`, without internals. */
const jsonLdProblem = (error: unknown): string => {
  const event = (error as { details?: { event?: { message?: unknown; details?: Record<string, unknown> } } }).details
    ?.event;
  const d = event?.details ?? {};
  const what = d.property ?? d.type ?? d.term ?? d.value;
  if (typeof what === 'string' || typeof what === 'number') return `"${what}" is not defined by the @context`;
  return typeof event?.message === 'string' ? event.message : 'it is not valid JSON-LD';
};

const invalid = (message: string) => new PermanentError('CREDENTIAL.INVALID', message, { status: 400 });

/**
 * W3C VC-API `issueCredential`: signs any well-formed VC Data Model 2.0 credential for an issuer the client may use.
 *
 * 1. The credential must be well-formed (VC Data Model 2.0 MUSTs) and unsecured: else 400 with every problem.
 * 2. Its `issuer` must be the DID of one of the issuers the client is registered for: else 400 (VC-API: "the
 *    provided value of 'issuer' does not match the expected configuration").
 * 3. Every term must be defined by contexts Laurel holds offline (safe-mode RDFC-1.0): else 422, naming why, since
 *    a term the signature cannot cover would ride along unsigned.
 * 4. Sign with the issuer's active Ed25519 key (eddsa-rdfc-2022, assertionMethod) and return it. Nothing is stored.
 */
export const makeIssueCredential = ({ store, signer, clock, publicBaseUrl }: IssueDeps) => {
  const issuerFor = async (clientId: string, id: string) => {
    const client = await store.getApiClient(clientId);
    if (!client) {
      throw new PermanentError('CLIENT.NOT_REGISTERED', `client ${clientId} may not issue for any issuer`, {
        status: 403,
      });
    }
    for (const slug of client.issuerSlugs) {
      const issuer = await store.getIssuer(slug);
      if (issuer && issuerDid(issuer, publicBaseUrl) === id) return issuer;
    }
    return undefined;
  };

  return async ({ clientId, credential }: IssueInput): Promise<IssueResult> => {
    const problems = credentialShapeProblems(credential);
    if (problems.length) throw invalid(problems.join('; '));

    const id = issuerIdOf(credential) ?? '';
    const issuer = await issuerFor(clientId, id);
    if (!issuer) throw invalid(`issuer ${id} is not an issuer this client may issue for`);

    try {
      await canonize(credential);
    } catch (error) {
      const reason =
        error instanceof UnknownDocumentError
          ? `${error.message}; use contexts Laurel knows`
          : `the credential cannot be signed as JSON-LD: ${jsonLdProblem(error)}` +
            ' (every property and type must be defined by its @context)';
      throw new PermanentError('CREDENTIAL.NOT_SIGNABLE', reason, { status: 422 });
    }

    const method = signingMethod(issuer, publicBaseUrl);
    const verifiableCredential = await signer.sign(credential, {
      keyRef: method.keyRef,
      verificationMethod: method.verificationMethod,
      created: toDateTimeStamp(clock.now()),
    });
    return { verifiableCredential, issuerSlug: issuer.slug };
  };
};
