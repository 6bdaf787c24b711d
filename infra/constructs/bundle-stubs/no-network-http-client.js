// Stands in for @digitalbazaar/http-client in Lambda bundles. jsonld loads it for its default network document
// loader, which Laurel never uses (its loader is offline: shared/credentials/document-loader.ts); without the stub
// the bundle carries undici, a whole HTTP client, that nothing calls.
const refuse = () => {
  throw new Error('Laurel never fetches JSON-LD documents over the network');
};
export const httpClient = new Proxy(refuse, { get: () => refuse });
export const DEFAULT_HEADERS = {};
