import { IntlMessageFormat } from 'intl-messageformat';
import { en, type MessageKey } from './messages/en.ts';
import { es } from './messages/es.ts';

/** Message catalogs by base language. Adding a language is adding a catalog with every key of `en`. */
const CATALOGS: Readonly<Record<string, Record<MessageKey, string>>> = { en, es };

export const SUPPORTED_LOCALES = Object.keys(CATALOGS);
export const DEFAULT_LOCALE = 'en';

export type Values = Record<string, string | number | Date>;
export type Translate = (key: MessageKey, values?: Values) => string;

/**
 * The first of `preferences` (learner's, then issuer's) we have a catalog for, matched on the base language, so
 * `es-MX` is served by `es`; English otherwise. Malformed tags are skipped rather than trusted.
 */
export const negotiateLocale = (...preferences: (string | undefined)[]): string => {
  for (const tag of preferences) {
    if (!tag) continue;
    let canonical: string | undefined;
    try {
      canonical = Intl.getCanonicalLocales(tag)[0];
    } catch {
      continue;
    }
    const base = canonical ? new Intl.Locale(canonical).language : undefined;
    if (base && base in CATALOGS) return base;
  }
  return DEFAULT_LOCALE;
};

const cache = new Map<string, IntlMessageFormat>();

/**
 * A translator for `locale` (one of SUPPORTED_LOCALES): ICU MessageFormat with plurals, selects and dates formatted
 * by the runtime's Intl for that language. Dates are shown in UTC, the zone every stored timestamp is in.
 */
export const translator = (locale: string): Translate => {
  const catalog = CATALOGS[locale] ?? en;
  return (key, values = {}) => {
    const id = `${locale}:${key}`;
    let format = cache.get(id);
    if (!format) {
      format = new IntlMessageFormat(catalog[key], locale, { date: { long: { timeZone: 'UTC' } } } as never);
      cache.set(id, format);
    }
    return String(format.format(values));
  };
};
