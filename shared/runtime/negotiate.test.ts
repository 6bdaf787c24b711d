import { describe, expect, it } from 'vitest';
import { negotiate } from './negotiate.ts';

const OFFERS = ['application/ld+json', 'application/json', 'text/html', 'application/vc+jwt', 'application/jwt'];

describe('negotiate', () => {
  it.each([
    [undefined, 'application/ld+json'],
    ['', 'application/ld+json'],
    ['*/*', 'application/ld+json'],
    ['application/vc+jwt', 'application/vc+jwt'],
    ['application/jwt', 'application/jwt'],
    ['application/jwt, application/json', 'application/jwt'],
    ['application/json;q=0.9, application/vc+jwt', 'application/vc+jwt'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'],
    ['application/*', 'application/ld+json'],
    ['application/vc+jwt;q=0, */*', 'application/ld+json'],
    ['*/*, application/vc+jwt', 'application/vc+jwt'],
  ])('Accept %j → %s', (accept, expected) => {
    expect(negotiate(accept, OFFERS)).toBe(expected);
  });

  it('answers undefined when nothing offered is acceptable', () => {
    expect(negotiate('image/png', OFFERS)).toBeUndefined();
    expect(negotiate('application/vc+jwt;q=0', ['application/vc+jwt'])).toBeUndefined();
  });
});
