/**
 * Just enough typing for the untyped reference credential libraries (devDependencies) that tests use as an
 * independent verifier of what Laurel signs. Production code never imports them.
 */

declare module '@digitalbazaar/vc' {
  export function verifyCredential(options: {
    credential: object;
    suite: unknown;
    documentLoader: (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: object }>;
    now?: Date | string;
    /** Called for a credential with `credentialStatus`; `verified: false` fails the verification. */
    checkStatus?: (options: {
      credential: object;
      documentLoader: unknown;
      suite: unknown;
    }) => Promise<{ verified: boolean; error?: unknown }>;
  }): Promise<{ verified: boolean; error?: unknown; results?: { verified: boolean; error?: unknown }[] }>;
  /** Adds an `authentication` proof (with `challenge` and `domain`) to a presentation: a holder's side, for tests. */
  export function signPresentation(options: {
    presentation: object;
    suite: unknown;
    challenge?: string;
    domain?: string;
    documentLoader: (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: object }>;
  }): Promise<object>;
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    signer(): { id?: string; algorithm: string; sign(options: { data: Uint8Array }): Promise<Uint8Array> };
  }
  export function generate(options?: { id?: string; controller?: string }): Promise<Ed25519KeyPair>;
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; signer?: unknown; date?: Date | string });
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
  export function createList(options: { length: number }): Promise<BitstringStatusList>;
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;
  /** Loads each entry's list credential, verifies it (unless told not to) and reads the entry's bit. */
  export function checkStatus(options: {
    credential: object;
    documentLoader: unknown;
    suite?: unknown;
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<{
    verified: boolean;
    error?: Error;
    results?: { verified: boolean; status: boolean; credentialStatus: { statusPurpose: string } }[];
  }>;
}
