/**
 * Settings the admin function's wiring parses when its handler module is imported (it builds the production handler
 * at import), none of which the tests use: they build their own handler from `adminTestBed()`. Kept free of imports
 * so that `vi.hoisted` can load it before the handler module:
 *
 * `await vi.hoisted(async () => Object.assign(process.env, (await import('<this file>')).UNUSED_ADMIN_ENV));`
 */
export const UNUSED_ADMIN_ENV = {
  APP_TABLE_NAME: 'unused',
  EVENT_BUS_NAME: 'unused',
  PUBLIC_BASE_URL: 'https://badges.example.edu',
  SENDER_ADDRESS: 'badges@example.edu',
  CLAIM_KEY_ID: 'unused',
  SIGNING_KEY_ID: 'unused',
  CONSOLE_CLIENT_ID: 'unused',
  CONSOLE_TOKEN_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/unused',
  CONSOLE_AUTH_DOMAIN: 'https://unused.auth.eu-west-1.amazoncognito.com',
};
