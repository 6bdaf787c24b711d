import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { importJWK, type JWTHeaderParameters, jwtVerify } from 'jose';
import { readOwnerToken } from '#shared/claim-tokens.ts';
import { verifyDocument } from '#shared/credentials/data-integrity.ts';
import { toDateTimeStamp } from '#shared/credentials/date-time.ts';
import { signingMethod } from '#shared/credentials/issuer-keys.ts';
import { publicKeyFromMultibase } from '#shared/credentials/multikey.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { CredentialRecord, WalletGrantKind } from '#shared/tables/app-table.ts';
import { holderKeyFromKid } from '../domain/holder-did.ts';
import {
  CONFIGURATION_ID,
  credentialOffer,
  lcwDeepLink,
  OAuthError,
  PRE_AUTHORIZED_GRANT,
  PROOF_ALGORITHMS,
  PROOF_JWT_TYPE,
} from '../domain/oid4vci.ts';
import type { ClaimKey, Clock, CredentialSigner, WalletStore } from './ports.ts';

export interface WalletDeps {
  store: WalletStore;
  claimKey: ClaimKey;
  signer: CredentialSigner;
  clock: Clock;
  publicBaseUrl: string;
  /** Lifetime of an offer (pre-authorized code, exchange). @default 600 */
  offerTtlSeconds?: number;
  /** Lifetime of an access token and of a nonce. @default 300 */
  tokenTtlSeconds?: number;
}

export type Offers =
  | { state: 'not-owner' }
  | {
      state: 'ready';
      credential: CredentialRecord;
      expiresAt: string;
      oid4vci: { deepLink: string; offer: object };
      lcw: { deepLink: string; exchangeUrl: string };
    };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const secret = () => randomBytes(32).toString('base64url');
const hashOf = (s: string) => createHash('sha256').update(s).digest('hex');
const macOf = async (key: ClaimKey, message: string) => Buffer.from(await key.mac(message)).toString('base64url');
const notFound = () => new PermanentError('NOT_FOUND', 'credential not found', { status: 404 });

/**
 * Wallet copies of a claimed credential, for the learner only: OpenID4VCI (pre-authorized code flow) and a VC-API
 * exchange (Learner Credential Wallet). Either way the wallet proves control of a DID (a proof JWT, or a DID
 * Authentication presentation) and receives a copy whose `credentialSubject.id` is that DID, signed now with the
 * issuer's key. Every grant is random, stored only as a hash, single use and short-lived.
 */
export const makeWallet = (deps: WalletDeps) => {
  const { store, claimKey, signer, clock, publicBaseUrl } = deps;
  const links = urls(publicBaseUrl);
  const offerTtl = (deps.offerTtlSeconds ?? 600) * 1000;
  const tokenTtl = (deps.tokenTtlSeconds ?? 300) * 1000;
  const origin = new URL(publicBaseUrl).origin;
  const later = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

  const grant = async (
    kind: WalletGrantKind,
    credentialId: string,
    ttl: number,
    extra: { challenge?: string } = {},
  ) => {
    const value = secret();
    const expiresAt = later(ttl);
    await store.putWalletGrant({ kind, secretHash: hashOf(value), credentialId, expiresAt, ...extra });
    return { value, expiresAt };
  };

  /**
   * A claimed credential, or 404: offers are for credentials their learner accepted. A revoked or suspended one gets
   * no new wallet copy (409): a fresh signature would give it a new life the issuer has withdrawn.
   */
  const claimedCredential = async (id: string) => {
    const credential = await store.getCredential(id);
    if (!credential?.claimedAt) throw notFound();
    if (credential.revokedAt || credential.suspendedAt)
      throw new PermanentError(
        'CREDENTIAL.WITHDRAWN',
        `this credential is ${credential.revokedAt ? 'revoked' : 'suspended'}; no new copies can be issued`,
        { status: 409 },
      );
    return credential;
  };

  /** The holder-bound copy: the stored credential with `credentialSubject.id` set to the DID, signed now. */
  const bindToHolder = async (credential: CredentialRecord, did: string): Promise<Json> => {
    const issuer = await store.getIssuer(credential.issuerSlug);
    if (!issuer) throw new Error(`issuer ${credential.issuerSlug} of credential ${credential.id} is missing`);
    const method = signingMethod(issuer, publicBaseUrl);
    const { proof: _proof, ...unsigned } = structuredClone(credential.document);
    const { id: _id, ...subject } = isObject(unsigned.credentialSubject) ? unsigned.credentialSubject : {};
    unsigned.credentialSubject = { id: did, ...subject };
    return signer.sign(unsigned, {
      keyRef: method.keyRef,
      verificationMethod: method.verificationMethod,
      created: toDateTimeStamp(clock.now()),
    });
  };

  // Nonces are stateless: `<expires epoch ms>.<random>.<HMAC>`, checked for our MAC and age.
  const newNonce = async () => {
    const body = `${Date.parse(later(tokenTtl))}.${randomBytes(16).toString('base64url')}`;
    return `${body}.${await macOf(claimKey, `oid4vci-nonce.${body}`)}`;
  };
  const isValidNonce = async (nonce: unknown) => {
    if (typeof nonce !== 'string') return false;
    const [exp, rand, mac, extra] = nonce.split('.');
    if (!exp || !rand || !mac || extra !== undefined || !/^\d+$/.test(exp)) return false;
    if (Number(exp) <= clock.now().getTime()) return false;
    const expected = Buffer.from(await macOf(claimKey, `oid4vci-nonce.${exp}.${rand}`));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  return {
    /**
     * The learner's offers for one credential: checks the owner cookie set when this browser claimed it, then mints
     * a pre-authorized code (OpenID4VCI) and a VC-API exchange (LCW), each single use for ten minutes.
     */
    offers: async (credentialId: string, ownerCookie: string | undefined): Promise<Offers> => {
      if (!ownerCookie || !(await readOwnerToken(claimKey, ownerCookie, credentialId, clock.now())))
        return { state: 'not-owner' };
      const credential = await claimedCredential(credentialId);
      const code = await grant('code', credentialId, offerTtl);
      const exchange = await grant('exchange', credentialId, offerTtl, { challenge: randomUUID() });
      const exchangeUrl = links.exchange(exchange.value);
      return {
        state: 'ready',
        credential,
        expiresAt: code.expiresAt,
        oid4vci: credentialOffer(publicBaseUrl, code.value),
        lcw: { deepLink: lcwDeepLink(publicBaseUrl, exchangeUrl), exchangeUrl },
      };
    },

    /** Token endpoint: a pre-authorized code (spent here) buys a short-lived access token. */
    token: async (form: URLSearchParams) => {
      if (form.get('grant_type') !== PRE_AUTHORIZED_GRANT)
        throw new OAuthError(400, 'unsupported_grant_type', 'only the pre-authorized code grant is supported');
      const code = form.get('pre-authorized_code');
      if (!code) throw new OAuthError(400, 'invalid_request', 'pre-authorized_code is missing');
      const used = await store.useWalletGrant('code', hashOf(code), clock.now().toISOString());
      if (!used) throw new OAuthError(400, 'invalid_grant', 'the code is unknown, used or expired');
      const token = await grant('token', used.credentialId, tokenTtl);
      return { access_token: token.value, token_type: 'Bearer', expires_in: Math.round(tokenTtl / 1000) };
    },

    /** Nonce endpoint: a fresh `c_nonce` the wallet's proof must carry. */
    nonce: async () => ({ c_nonce: await newNonce() }),

    /**
     * Credential endpoint.
     *
     * 1. The access token must be live; the request must name our configuration and carry one `jwt` proof.
     * 2. The proof: `typ` openid4vci-proof+jwt, signed by the key of the DID in `kid` (did:key or did:jwk), `aud`
     *    our issuer identifier, recent `iat`, and a `nonce` from our nonce endpoint.
     * 3. The token is spent, and the holder-bound copy signed and returned.
     */
    credential: async (accessToken: string | undefined, body: unknown) => {
      const invalidToken = new OAuthError(401, 'invalid_token', 'the access token is unknown, used or expired');
      if (!accessToken) throw invalidToken;
      const token = await store.getWalletGrant('token', hashOf(accessToken));
      if (!token || token.usedAt || token.expiresAt <= clock.now().toISOString()) throw invalidToken;
      if (!isObject(body)) throw new OAuthError(400, 'invalid_credential_request', 'the body must be a JSON object');
      const configuration =
        body.credential_configuration_id ?? (body.format === 'ldp_vc' ? CONFIGURATION_ID : undefined);
      if (configuration !== CONFIGURATION_ID)
        throw new OAuthError(400, 'unknown_credential_configuration', `only ${CONFIGURATION_ID} is offered`);
      const proofs = isObject(body.proofs) && Array.isArray(body.proofs.jwt) ? body.proofs.jwt : undefined;
      const jwt =
        proofs?.length === 1
          ? proofs[0]
          : isObject(body.proof) && body.proof.proof_type === 'jwt'
            ? body.proof.jwt
            : undefined;
      if (typeof jwt !== 'string') throw new OAuthError(400, 'invalid_proof', 'one jwt proof is required');

      let did: string;
      let nonce: unknown;
      try {
        let holder: string | undefined;
        const { payload } = await jwtVerify(
          jwt,
          async (header: JWTHeaderParameters) => {
            if (!header.kid) throw new Error('the proof has no kid naming the wallet DID');
            const key = holderKeyFromKid(header.kid);
            holder = key.did;
            return importJWK(key.jwk, header.alg);
          },
          {
            typ: PROOF_JWT_TYPE,
            audience: links.credentialIssuer,
            algorithms: [...PROOF_ALGORITHMS],
            currentDate: clock.now(),
            maxTokenAge: '10m',
            clockTolerance: '1m',
          },
        );
        if (!holder) throw new Error('no holder');
        did = holder;
        nonce = payload.nonce;
      } catch (error) {
        throw new OAuthError(
          400,
          'invalid_proof',
          error instanceof Error ? error.message : 'the proof does not verify',
        );
      }
      if (!(await isValidNonce(nonce)))
        throw new OAuthError(400, 'invalid_nonce', 'get a fresh c_nonce from the nonce endpoint');

      const spent = await store.useWalletGrant('token', hashOf(accessToken), clock.now().toISOString());
      if (!spent) throw invalidToken;
      const credential = await claimedCredential(spent.credentialId);
      return { credentials: [{ credential: await bindToHolder(credential, did) }] };
    },

    /**
     * VC-API exchange (Learner Credential Wallet): an empty POST gets a DID Authentication request with a challenge;
     * a POST with the wallet's signed presentation (eddsa-rdfc-2022, did:key, our challenge and domain) spends the
     * exchange and returns the holder-bound credential in a presentation.
     */
    exchange: async (exchangeId: string, body: unknown) => {
      const hash = hashOf(exchangeId);
      const current = await store.getWalletGrant('exchange', hash);
      if (!current || current.usedAt || current.expiresAt <= clock.now().toISOString())
        throw new PermanentError('EXCHANGE.NOT_FOUND', 'the exchange is unknown, used or expired', {
          status: 404,
          expose: true,
        });
      const vp = isObject(body) ? body.verifiablePresentation : undefined;
      if (!isObject(vp)) {
        return {
          verifiablePresentationRequest: {
            query: [
              {
                type: 'DIDAuthentication',
                acceptedMethods: [{ method: 'key' }],
                acceptedCryptosuites: [{ cryptosuite: 'eddsa-rdfc-2022' }],
              },
            ],
            challenge: current.challenge,
            domain: origin,
            interact: {
              service: [{ type: 'UnmediatedHttpPresentationService2021', serviceEndpoint: links.exchange(exchangeId) }],
            },
          },
        };
      }
      const holder = typeof vp.holder === 'string' ? vp.holder : isObject(vp.holder) ? vp.holder.id : undefined;
      if (typeof holder !== 'string' || !holder.startsWith('did:key:'))
        throw new PermanentError('PRESENTATION.INVALID', 'the presentation needs a did:key holder', {
          status: 400,
          expose: true,
        });
      const proof = [vp.proof].flat()[0];
      if (
        !isObject(proof) ||
        proof.challenge !== current.challenge ||
        (proof.domain !== undefined && proof.domain !== origin)
      )
        throw new PermanentError('PRESENTATION.INVALID', 'the presentation must sign our challenge and domain', {
          status: 400,
          expose: true,
        });
      const verified = await verifyDocument(vp, {
        expectedProofPurpose: 'authentication',
        resolvePublicKey: async (vm) => {
          if (!vm.startsWith(`${holder}#`)) throw new Error('the proof is not made by the holder');
          return publicKeyFromMultibase(holder.slice('did:key:'.length));
        },
      });
      if (!verified.verified)
        throw new PermanentError('PRESENTATION.INVALID', 'the presentation does not verify', {
          status: 400,
          expose: true,
        });
      const spent = await store.useWalletGrant('exchange', hash, clock.now().toISOString());
      if (!spent)
        throw new PermanentError('EXCHANGE.NOT_FOUND', 'the exchange is unknown, used or expired', {
          status: 404,
          expose: true,
        });
      const credential = await claimedCredential(spent.credentialId);
      return {
        verifiablePresentation: {
          '@context': ['https://www.w3.org/ns/credentials/v2'],
          type: ['VerifiablePresentation'],
          verifiableCredential: [await bindToHolder(credential, holder)],
        },
      };
    },
  };
};

export type Wallet = ReturnType<typeof makeWallet>;
