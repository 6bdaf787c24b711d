/** The reference credential libraries' calls the benchmark makes (devDependencies, untyped); see shared/credentials. */

declare module '@digitalbazaar/vc' {
  export function issue(options: {
    credential: object;
    suite: unknown;
    documentLoader: (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: object }>;
  }): Promise<object>;
}

declare module '@digitalbazaar/ed25519-multikey' {
  export function generate(options: { seed?: Uint8Array; id?: string; controller?: string }): Promise<{
    publicKeyMultibase: string;
    signer(): unknown;
  }>;
}
