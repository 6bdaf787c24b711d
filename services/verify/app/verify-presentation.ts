import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { PROOF_TYPE, proofsOf } from '#shared/credentials/data-integrity.ts';
import { isDateTimeStamp } from '#shared/credentials/date-time.ts';
import { resolveVerificationMethod } from '#shared/credentials/verifier/keys.ts';
import { CRYPTOSUITES, verifyProofWithKey } from '#shared/credentials/verifier/proofs.ts';
import type { Clock } from './ports.ts';

/**
 * W3C VC-API `verifyPresentation`: the presentation's own eddsa-rdfc-2022 proof (purpose `authentication`, by a
 * key its DID lists under `authentication`), the `challenge` and `domain` the verifier asked for, the holder as the
 * key's controller, and then each credential inside with the credential verifier. Per-check results, like
 * `/credentials/verify`.
 */

type Json = Record<string, unknown>;

export type PresentationCheckName = 'presentation' | 'proof' | 'challenge' | 'domain' | 'holder' | 'credentials';

export interface PresentationCheck {
  name: PresentationCheckName;
  ok: boolean;
  message?: string;
}

/** What the credential verifier reports for one credential (shared/credentials/verify.ts's shape, loosely). */
export interface CredentialVerdict {
  verified: boolean;
  checks: { name: string; ok: boolean; message?: string }[];
}

export interface PresentationVerification {
  verified: boolean;
  checks: PresentationCheck[];
  warnings: string[];
  /** One per credential in the presentation, in order. */
  credentialResults: CredentialVerdict[];
}

export interface VerifyPresentationOptions {
  /** The challenge the verifier issued; the proof must carry exactly it. */
  challenge?: string;
  /** The domain the proof must be bound to. */
  domain?: string;
}

export interface VerifyPresentationDeps {
  /** Resolves a DID other than did:key (did:key is resolved locally). */
  resolveDid: (did: string) => Promise<unknown>;
  /** Verifies one credential (the `/credentials/verify` verifier). */
  verifyCredential: (credential: Json) => Promise<CredentialVerdict>;
  clock: Clock;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** The problems that make a presentation malformed (VC Data Model 2.0 §4.13), not merely unverified. */
const presentationProblems = (vp: Json): string[] => {
  const problems: string[] = [];
  const context = vp['@context'];
  if (!Array.isArray(context) || context[0] !== CONTEXTS.credentialsV2) {
    problems.push(`@context must be a list starting with ${CONTEXTS.credentialsV2}`);
  }
  if (!asList(vp.type).includes('VerifiablePresentation')) problems.push('type must include VerifiablePresentation');
  if (vp.holder !== undefined && !(typeof vp.holder === 'string' || (isObject(vp.holder) && vp.holder.id))) {
    problems.push('holder must be a URL or an object with an id');
  }
  if (!asList(vp.verifiableCredential).every(isObject)) problems.push('verifiableCredential must hold objects');
  return problems;
};

const holderIdOf = (vp: Json): string | undefined => {
  const holder = isObject(vp.holder) ? vp.holder.id : vp.holder;
  return typeof holder === 'string' ? holder : undefined;
};

const domainsOf = (proof: Json): unknown[] => asList(proof.domain);

export const makeVerifyPresentation =
  ({ resolveDid, verifyCredential, clock }: VerifyPresentationDeps) =>
  /**
   * Verifies `presentation`; `proofless` skips its own proof (VC-API's proofless request: credentials only).
   * Never throws for a bad presentation.
   */
  async (
    presentation: Json,
    options: VerifyPresentationOptions = {},
    { proofless = false }: { proofless?: boolean } = {},
  ): Promise<PresentationVerification> => {
    const checks: PresentationCheck[] = [];
    const warnings: string[] = [];
    const problems = presentationProblems(presentation);
    checks.push(
      problems.length
        ? { name: 'presentation', ok: false, message: problems.join('; ') }
        : { name: 'presentation', ok: true },
    );

    if (!proofless) {
      const proofs = proofsOf(presentation).filter(isObject);
      const ours = proofs.filter(
        (p) => p.type === PROOF_TYPE && (CRYPTOSUITES as readonly string[]).includes(String(p.cryptosuite)),
      );
      const controllers = new Set<string>();
      const proofErrors: string[] = [];
      if (ours.length === 0)
        proofErrors.push(`no Data Integrity proof (${CRYPTOSUITES.join(', ')}) on the presentation`);
      for (const proof of ours) {
        const vm = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : '';
        if (proof.proofPurpose !== 'authentication') {
          proofErrors.push(`proofPurpose is ${String(proof.proofPurpose)}, expected authentication`);
          continue;
        }
        if (isDateTimeStamp(proof.expires) && clock.now().getTime() >= Date.parse(proof.expires)) {
          proofErrors.push(`the proof of ${vm} expired at ${proof.expires}`);
          continue;
        }
        try {
          // The holder's key, as its DID (did:key, did:web...) lists it under `authentication`.
          const key = await resolveVerificationMethod(vm, { resolveDid }, 'authentication');
          if (key.source === 'self-asserted') throw new Error(`${vm} is not listed by any controller document`);
          await verifyProofWithKey(presentation, proof, key.publicKey);
          controllers.add(key.controller);
        } catch (e) {
          proofErrors.push(message(e));
        }
      }
      checks.push(
        proofErrors.length
          ? { name: 'proof', ok: false, message: proofErrors.join('; ') }
          : { name: 'proof', ok: true },
      );

      // Checked on every proof: a replayed presentation carries the old challenge, a presentation made for another
      // site carries that site's domain.
      if (options.challenge !== undefined) {
        const wrong = ours.filter((p) => p.challenge !== options.challenge);
        checks.push(
          wrong.length || ours.length === 0
            ? { name: 'challenge', ok: false, message: `the proof does not carry the challenge ${options.challenge}` }
            : { name: 'challenge', ok: true },
        );
      } else {
        warnings.push('no challenge was given: a replayed presentation would not be detected');
      }
      if (options.domain !== undefined) {
        const wrong = ours.filter((p) => !domainsOf(p).includes(options.domain));
        checks.push(
          wrong.length || ours.length === 0
            ? { name: 'domain', ok: false, message: `the proof is not bound to the domain ${options.domain}` }
            : { name: 'domain', ok: true },
        );
      }

      const holder = holderIdOf(presentation);
      if (holder !== undefined) {
        const strangers = [...controllers].filter((c) => c !== holder);
        checks.push(
          strangers.length || controllers.size === 0
            ? {
                name: 'holder',
                ok: false,
                message: `the holder ${holder} does not control the key that signed the presentation`,
              }
            : { name: 'holder', ok: true },
        );
      }
    }

    const credentials = asList(presentation.verifiableCredential);
    const credentialResults = await Promise.all(
      credentials.map(async (c): Promise<CredentialVerdict> => {
        if (!isObject(c)) {
          return { verified: false, checks: [{ name: 'credential', ok: false, message: 'not a JSON object' }] };
        }
        try {
          return await verifyCredential(c);
        } catch (e) {
          return { verified: false, checks: [{ name: 'credential', ok: false, message: message(e) }] };
        }
      }),
    );
    const failed = credentialResults.flatMap((r, i) =>
      r.verified
        ? []
        : [
            `credential ${i}: ${r.checks
              .filter((c) => !c.ok)
              .map((c) => `${c.name}${c.message ? ` (${c.message})` : ''}`)
              .join(', ')}`,
          ],
    );
    checks.push(
      failed.length
        ? { name: 'credentials', ok: false, message: failed.join('; ') }
        : { name: 'credentials', ok: true },
    );
    return { verified: checks.every((c) => c.ok), checks, warnings, credentialResults };
  };
