import type { EventPattern } from '#shared/events/define-event.ts';

/**
 * EventBridge content filtering, for the subset Laurel's contracts use: each field of the pattern is either an array
 * of exact values (the event's field must equal one of them, or, when the field is an array, contain one of them) or
 * a nested pattern for an object field. Fields not named in the pattern are ignored; every named field must match.
 *
 * Anything else EventBridge supports (prefix, anything-but, numeric, exists...) is rejected by `assertSupported`
 * when the runner starts, so a contract that starts using it fails loudly instead of routing differently from AWS.
 */
export type Scalar = string | number | boolean | null;
export interface Pattern {
  [field: string]: readonly Scalar[] | Pattern;
}

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws when the pattern uses anything but exact-value arrays and nested objects. */
export function assertSupported(pattern: unknown, path = ''): asserts pattern is Pattern {
  if (!isObject(pattern)) throw new Error(`event pattern${path ? ` at ${path}` : ''} must be an object`);
  for (const [field, rule] of Object.entries(pattern)) {
    const at = path ? `${path}.${field}` : field;
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new Error(`event pattern at ${at}: an empty array matches nothing`);
      const unsupported = rule.find((v) => !isScalar(v));
      if (unsupported !== undefined) {
        throw new Error(
          `event pattern at ${at}: only exact values are supported locally, got ${JSON.stringify(unsupported)}`,
        );
      }
    } else {
      assertSupported(rule, at);
    }
  }
}

/** True when `event` matches `pattern` as EventBridge would decide it (for the supported subset). */
export function matches(pattern: Pattern | EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  for (const [field, rule] of Object.entries(pattern) as [string, readonly Scalar[] | Pattern][]) {
    const value = event[field];
    if (isArrayRule(rule)) {
      const values = Array.isArray(value) ? value : [value];
      // `undefined` never matches: EventBridge needs the field present (null only matches a literal null).
      if (!values.some((v) => v !== undefined && rule.includes(v as Scalar))) return false;
    } else if (!matches(rule, value)) {
      return false;
    }
  }
  return true;
}

function isArrayRule(rule: readonly Scalar[] | Pattern): rule is readonly Scalar[] {
  return Array.isArray(rule);
}
