// zod's locales, English only: the one Laurel's messages (and its tests) are in.
export { default as en } from '../../../../node_modules/zod/v4/locales/en.js';
