/**
 * Headers of a served badge image (`/images/{file}`): content-addressed, so cached for a year; and inert even when
 * opened directly (an SVG is a document): no script, no plugins, a sandbox, no sniffing.
 */
export const IMAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
  'x-content-type-options': 'nosniff',
  'cache-control': 'public, max-age=31536000, immutable',
  'cross-origin-resource-policy': 'cross-origin',
  'access-control-allow-origin': '*',
} as const;
