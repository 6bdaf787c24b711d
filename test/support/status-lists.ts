import { makeGetStatusList } from '#services/status/app/status-list-credential.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import type { makeIssuanceFixture } from '#shared/testing/issuance.ts';

type Fixture = Awaited<ReturnType<typeof makeIssuanceFixture>>;

/**
 * What the verify service's HTTPS fetcher does in production, without a network: `<base>/status/{list}` answered by
 * the status service's own use case (the list signed by the issuer's key), anything else refused. `fetched` records
 * every URL asked for.
 */
export const statusListFetcher = (fixture: Fixture, baseUrl: string, clock = { now: () => new Date() }) => {
  const getStatusList = makeGetStatusList({
    store: fixture.statusStore,
    issuers: fixture.store,
    signer: makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: fixture.dataDir }, fixture.signer),
    clock,
    publicBaseUrl: baseUrl,
  });
  const fetched: string[] = [];
  return {
    fetched,
    fetchJson: async (url: string) => {
      fetched.push(url);
      const prefix = `${baseUrl}/status/`;
      if (!url.startsWith(prefix)) throw new Error(`offline: ${url}`);
      return (await getStatusList(url.slice(prefix.length))).credential;
    },
  };
};
