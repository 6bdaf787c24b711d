/** Typing for `@digitalbazaar/bitstring` (untyped): the W3C bitstring with GZIP + base64url encoding. */
declare module '@digitalbazaar/bitstring' {
  export class Bitstring {
    constructor(options: { length: number } | { buffer: Uint8Array });
    readonly length: number;
    readonly bits: Uint8Array;
    set(position: number, on: boolean): void;
    get(position: number): boolean;
    /** base64url (no padding) of the GZIP of the bits, without a multibase prefix. */
    encodeBits(): Promise<string>;
    static decodeBits(options: { encoded: string }): Promise<Uint8Array>;
  }
}
