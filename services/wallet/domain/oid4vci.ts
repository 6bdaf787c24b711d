import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { urls } from '#shared/routes/manifest.ts';

/** The one credential configuration offered: the learner's Open Badge, as a Data Integrity (`ldp_vc`) credential. */
export const CONFIGURATION_ID = 'OpenBadgeCredential';
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
export const PROOF_JWT_TYPE = 'openid4vci-proof+jwt';
export const PROOF_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384'] as const;

/** `/.well-known/openid-credential-issuer` (OpenID4VCI 1.0, section 12.2). */
export const credentialIssuerMetadata = (publicBaseUrl: string) => {
  const links = urls(publicBaseUrl);
  return {
    credential_issuer: links.credentialIssuer,
    credential_endpoint: links.oid4vciCredential,
    nonce_endpoint: links.oid4vciNonce,
    display: [{ name: 'Digital credentials', locale: 'en' }],
    credential_configurations_supported: {
      [CONFIGURATION_ID]: {
        format: 'ldp_vc',
        cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
        credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...PROOF_ALGORITHMS] } },
        credential_definition: {
          '@context': [CONTEXTS.credentialsV2, CONTEXTS.ob303],
          type: ['VerifiableCredential', 'OpenBadgeCredential'],
        },
        credential_metadata: { display: [{ name: 'Open Badge', locale: 'en' }] },
      },
    },
  };
};

/** `/.well-known/oauth-authorization-server`: Laurel is its own authorization server, for pre-authorized codes only. */
export const authorizationServerMetadata = (publicBaseUrl: string) => {
  const links = urls(publicBaseUrl);
  return {
    issuer: links.credentialIssuer,
    token_endpoint: links.oid4vciToken,
    grant_types_supported: [PRE_AUTHORIZED_GRANT],
    'pre-authorized_grant_anonymous_access_supported': true,
    response_types_supported: [],
  };
};

/** The credential offer of one pre-authorized code (by value), and the deep link a wallet app opens. */
export const credentialOffer = (publicBaseUrl: string, preAuthorizedCode: string) => {
  const offer = {
    credential_issuer: urls(publicBaseUrl).credentialIssuer,
    credential_configuration_ids: [CONFIGURATION_ID],
    grants: { [PRE_AUTHORIZED_GRANT]: { 'pre-authorized_code': preAuthorizedCode } },
  };
  return {
    offer,
    deepLink: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`,
  };
};

/**
 * The Learner Credential Wallet's deep link into a VC-API exchange: a wallet request naming the exchange
 * (`{"credentialRequestOrigin", "protocols": {"vcapi"}}`), under its custom scheme.
 */
export const lcwDeepLink = (publicBaseUrl: string, exchangeUrl: string) =>
  `dccrequest://request?request=${encodeURIComponent(
    JSON.stringify({ credentialRequestOrigin: new URL(publicBaseUrl).origin, protocols: { vcapi: exchangeUrl } }),
  )}`;

/** OAuth 2.0 / OpenID4VCI error bodies. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }
}
