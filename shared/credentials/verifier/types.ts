/**
 * The checks a verification reports, in the order it reports them. Each answers one question a person may ask:
 * - `format`: could the input be read (JSON, a VC-JWT, or a baked PNG/SVG)?
 * - `context`: does `@context` name the VC and Open Badges 3.0 contexts?
 * - `type`: is it a `VerifiableCredential` and an `OpenBadgeCredential` / `AchievementCredential`?
 * - `schema`: does it fit the official OB 3.0 JSON Schema?
 * - `issuer`: is there an issuer profile with an id, typed `Profile` (and its parent org and identifiers typed)?
 * - `subject`: is the credential subject an `AchievementSubject`, with typed identifiers, results and achievement?
 * - `evidence`: is every piece of evidence typed `Evidence`?
 * - `key`: does the signing key resolve (DID document, controller document, JWK)?
 * - `proof`: does the signature verify (Data Integrity eddsa-rdfc-2022 / ecdsa-rdfc-2019, or VC-JWT)?
 * - `controller`: does the issuer control that key?
 * - `claims`: (VC-JWT only) do `iss`, `sub`, `jti`, `nbf` and `exp` agree with the credential?
 * - `issuance`: has it become valid (`validFrom`, or VC 1.1 `issuanceDate`)?
 * - `expiration`: is it not yet expired (`validUntil`, or VC 1.1 `expirationDate`)?
 * - `status`: is it neither revoked nor suspended, according to its Bitstring Status Lists?
 */
export type CheckName =
  | 'format'
  | 'context'
  | 'type'
  | 'schema'
  | 'issuer'
  | 'subject'
  | 'evidence'
  | 'key'
  | 'proof'
  | 'controller'
  | 'claims'
  | 'issuance'
  | 'expiration'
  | 'status';

export interface Check {
  name: CheckName;
  ok: boolean;
  /** Why it failed, or a caveat when it passed; for people, not for parsing. */
  message?: string;
  /** Passed, but with a caveat a careful reader should see (the message says which). */
  warning?: true;
}

/** What the credential's status lists say, per purpose, when they could be read. */
export interface StatusResult {
  revoked?: boolean;
  suspended?: boolean;
}

export interface VerificationResult {
  /** True only when every check passed (warnings allowed). */
  verified: boolean;
  checks: Check[];
  /** How the credential arrived. */
  format?: 'json' | 'jwt' | 'png' | 'svg';
  /** The credential that was checked (decoded from a JWT or read from an image), when one was found. */
  credential?: Record<string, unknown>;
  /** The status lists' answer, when there were lists and they could be read. */
  status?: StatusResult;
}

/**
 * How the verifier reaches beyond the credential. Every hook is optional: without one, what needs it fails its check
 * with a message saying so (the verifier never touches the network by itself).
 */
export interface VerifierHooks {
  /**
   * A DID (not did:key, which is resolved locally) → its DID document. Laurel's verify service answers its own
   * issuers from its table and fetches other did:web documents over HTTPS.
   */
  resolveDid?: (did: string) => Promise<unknown>;
  /**
   * An HTTPS URL → the JSON it serves: controller documents of HTTPS verification methods, JWKs and JWK Sets named
   * by a JWT `kid`, and Bitstring Status List credentials.
   */
  fetchJson?: (url: string) => Promise<unknown>;
  /**
   * JSON-LD documents beyond the built-in contexts (tests use it for example contexts). Return `undefined` for
   * "not mine". Contexts are never fetched from the network.
   */
  loadContext?: (url: string) => Promise<object | undefined>;
}

export interface VerifyOptions extends VerifierHooks {
  /** The instant validity is judged at; defaults to now. */
  now?: Date;
}
