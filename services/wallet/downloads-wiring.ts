import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { ENV } from '#shared/env.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeDownloads } from './app/downloads.ts';

/** Composition root of the `downloads` function: the table, read only; no key of any kind. */
export const wiring = () => {
  const config = readConfig([ENV.APP_TABLE_NAME, ENV.PUBLIC_BASE_URL]);
  return {
    logger: makeLogger('downloads'),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    downloads: makeDownloads({ store: new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME) }),
  };
};

export type DownloadsHandlerDeps = ReturnType<typeof wiring>;
