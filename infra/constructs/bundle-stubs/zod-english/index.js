// Stands in for 'zod' in Lambda bundles: zod's own entry (node_modules/zod/index.js), whose namespace re-exports every
// locale (z.locales and z.core.locales: about 260 KB of 50-odd languages) that Laurel never selects. Zod configures
// English itself when the first schema is built (classic/schemas.js), so messages are the same; only the other
// locales are gone. The files next to this one are zod 4's (pinned in package.json) with the locale lines narrowed
// to English; test/infra/bundling.test.ts checks they still export exactly what zod exports.
import * as z from './external.js';

export * from './external.js';
export { z, z as default };
