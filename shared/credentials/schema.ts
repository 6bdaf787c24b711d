import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import achievementCredentialSchema from './schemas/achievementcredential.json' with { type: 'json' };

export interface SchemaResult {
  valid: boolean;
  /** `<instance path> <message>`, one per violation; empty when valid. */
  errors: string[];
}

let validator: ValidateFunction | undefined;

// Compiled on first use, then kept for the life of the process: compiling costs tens of milliseconds, and the
// functions that never validate (most of them) should not pay it at cold start.
const compiled = (): ValidateFunction => {
  if (!validator) {
    // strict: false because the official schema uses tuple `items` with `additionalItems`, which strict mode flags.
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats.default(ajv);
    validator = ajv.compile(achievementCredentialSchema);
  }
  return validator;
};

/** Validates a document against the official OB 3.0 AchievementCredential JSON Schema (the strict JSON binding). */
export const validateAchievementCredential = (doc: unknown): SchemaResult => {
  const validate = compiled();
  if (validate(doc)) return { valid: true, errors: [] };
  return {
    valid: false,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`),
  };
};
