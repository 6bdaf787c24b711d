/**
 * `npm start`: Laurel on one machine. Data lives in `.laurel/` at the repository root unless LAUREL_DATA_DIR says
 * otherwise; every port can be moved with its LAUREL_*_PORT variable. Ctrl-C stops everything, child processes too.
 */
import { join, relative } from 'node:path';
import { urls as publicUrls } from '#shared/routes/manifest.ts';
import { LOCAL_BUS_NAME } from './config.ts';
import { demoCliCommand } from './demo-event.ts';
import { repoRoot } from './process.ts';
import { DEMO } from './seed.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

const dataDir = process.env.LAUREL_DATA_DIR || join(repoRoot, '.laurel');
const started = Date.now();

let stack: LocalStack | undefined;
let stoppingSince: number | undefined;

async function shutdown(signal: string) {
  if (stoppingSince !== undefined) {
    // Ctrl-C reaches the whole process group and tsx relays it too, so one key press can arrive twice; only a later
    // one means "leave now" (the exit hook still kills the child processes).
    if (Date.now() - stoppingSince < 1_000) return;
    console.log('forcing exit');
    process.exit(130);
  }
  stoppingSince = Date.now();
  console.log(`\n${signal}: stopping (Ctrl-C again to force)...`);
  await stack?.stop();
  console.log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  stack = await startLocalStack({ dataDir });
} catch (error) {
  console.error(`local mode did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const { urls, seed } = stack;
const shownDir = relative(process.cwd(), stack.dataDir) || '.';
const link = publicUrls(urls.api);
const rule = seed.rule;
console.log(`
Laurel local mode is up in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${shownDir}/)

  API and pages    ${urls.api}   (self-signed certificate: ${relative(process.cwd(), stack.tls.certFile)})
  event bus        ${urls.bus}    (bus name "${LOCAL_BUS_NAME}")
  email inbox      ${urls.mailWeb}    (SMTP localhost:${stack.ports.smtp})
  DynamoDB Local   ${urls.dynamo}    (tables ${stack.tables.app}, ${stack.tables.idempotency}${stack.dynamoInMemory ? '; in memory' : ''})

Demo institution${seed.created.length > 0 ? ` (seeded: ${seed.created.join(', ')})` : ''}
  issuer        ${seed.issuer.slug}: ${seed.issuer.name}   ${link.issuer(seed.issuer.slug)}
  achievement   ${seed.achievement.id}: ${seed.achievement.name}
  rule          ${rule.id} (${rule.mode}): source ${rule.source}, kind ${rule.kind}, externalId ${rule.externalId}, score >= ${rule.conditions.minScore ?? DEMO.minScore}

W3C VC-API (issue for "${seed.issuer.slug}" with an OAuth 2.0 client-credentials token; data in ${shownDir}/oauth/)
  token         POST ${stack.oauth.tokenUrl}   client_id ${stack.oauth.clientId}   client_secret ${stack.oauth.clientSecret}
  issue         POST ${urls.api}/credentials/issue   (Authorization: Bearer <access_token>)
  verify        POST ${urls.api}/credentials/verify, ${urls.api}/presentations/verify
  keys          ${link.issuerJwks(seed.issuer.slug)}   (a credential as VC-JWT: Accept: application/vc+jwt)

Console: ${urls.api}/admin (sign in with a user below).
Console API (${urls.api}/admin/api/openapi.json): sign in with POST ${urls.api}/admin/api/session {"email","password"},
then send Authorization: Bearer <token>. Users${stack.consoleUsers.created ? ' (created now)' : ''}, passwords in ${shownDir}/auth/passwords.txt:
${stack.consoleUsers.users.map((u) => `  ${u.email.padEnd(28)} ${u.groups.join(',').padEnd(18)} ${u.password ?? ''}`).join('\n')}

Send the demo event (Ada Lovelace completed CS101 with 92), then open the inbox:
  npm run demo:event
or with the AWS CLI:
  ${demoCliCommand(urls.bus, LOCAL_BUS_NAME)}

Ctrl-C stops everything.
`);
