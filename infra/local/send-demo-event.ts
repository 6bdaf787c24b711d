/**
 * `npm run demo:event [-- --email someone@example.edu --score 55]`: puts the demo `AchievementEarned` on the local
 * bus with the AWS SDK, exactly as an institution's producer would (only the endpoint differs).
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DEFAULT_PORTS, LOCAL_BUS_NAME, PORT_ENV } from './config.ts';
import { demoEntry } from './demo-event.ts';

const { values } = parseArgs({
  options: { email: { type: 'string' }, score: { type: 'string' }, 'event-id': { type: 'string' } },
});

const busPort = process.env[PORT_ENV.bus] || String(DEFAULT_PORTS.bus);
const endpoint = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE || `http://localhost:${busPort}`;
const client = new EventBridgeClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const entry = demoEntry(LOCAL_BUS_NAME, {
  ...(values.email ? { email: values.email } : {}),
  ...(values.score ? { score: Number(values.score) } : {}),
  ...(values['event-id'] ? { eventId: values['event-id'] } : {}),
});

try {
  const out = await client.send(new PutEventsCommand({ Entries: [entry] }));
  const result = out.Entries?.[0];
  if (out.FailedEntryCount || !result?.EventId) {
    console.error(`rejected: ${result?.ErrorCode} ${result?.ErrorMessage}`);
    process.exitCode = 1;
  } else {
    const detail = JSON.parse(entry.Detail ?? '{}') as { eventId: string; learner: { email: string } };
    console.log(
      `sent AchievementEarned ${detail.eventId} for ${detail.learner.email} (EventBridge id ${result.EventId})`,
    );
    const webPort = process.env[PORT_ENV.mailWeb] || String(DEFAULT_PORTS.mailWeb);
    console.log(`the claim email should arrive at http://localhost:${webPort} in a moment`);
  }
} catch (error) {
  console.error(`could not reach the local bus at ${endpoint}; is \`npm start\` running?`);
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  client.destroy();
}
