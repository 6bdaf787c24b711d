/**
 * The verifier's public entry point: `verifyCredential` (any OB 3.0 credential: Data Integrity or VC-JWT, plain or
 * baked into a PNG/SVG) with per-check results, `verdictOf` for people, and the building blocks other services reuse
 * (VC-JWT decoding and key resolution for presentations, status list decoding). See `verifier/`.
 */
export * from './verifier/index.ts';
