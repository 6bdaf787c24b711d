/**
 * XML Schema `dateTimeStamp` (a date-time with a time zone), the form VC 2.0 wants for `validFrom`, `validUntil`
 * and proof `created`. JavaScript's ISO strings qualify; the bare `YYYY-MM-DDThh:mm:ss` without a zone does not.
 */
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** True when `value` is an XML Schema dateTimeStamp that also denotes a real instant. */
export const isDateTimeStamp = (value: unknown): value is string =>
  typeof value === 'string' && DATE_TIME_STAMP.test(value) && !Number.isNaN(Date.parse(value));

/** `2026-05-14T16:20:00Z`: whole seconds, UTC; what every date Laurel writes into a credential looks like. */
export const toDateTimeStamp = (date: Date): string => {
  if (Number.isNaN(date.getTime())) throw new Error('invalid date');
  return `${date.toISOString().slice(0, 19)}Z`;
};
