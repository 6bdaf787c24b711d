/** Local mode's fixed names and ports, shared by the runner, `main.ts` and the demo event script. */

export interface LocalPorts {
  api: number;
  bus: number;
  smtp: number;
  mailWeb: number;
  dynamo: number;
}

/** DESIGN.md's ports, and the variables that override each. */
export const DEFAULT_PORTS: LocalPorts = { api: 3443, bus: 4010, smtp: 1025, mailWeb: 1080, dynamo: 8000 };
export const PORT_ENV: Record<keyof LocalPorts, string> = {
  api: 'LAUREL_API_PORT',
  bus: 'LAUREL_BUS_PORT',
  smtp: 'LAUREL_SMTP_PORT',
  mailWeb: 'LAUREL_MAIL_WEB_PORT',
  dynamo: 'LAUREL_DYNAMODB_PORT',
};

/** Name of the local event bus, as CDK names the deployed one. */
export const LOCAL_BUS_NAME = 'laurel';
export const DEFAULT_SENDER_ADDRESS = 'badges@localhost';

/** Each port: the given value, else its `LAUREL_*_PORT` variable, else the default. 0 stays 0 ("any free port"). */
export function resolvePorts(given: Partial<LocalPorts> = {}, env: NodeJS.ProcessEnv = process.env): LocalPorts {
  const pick = (k: keyof LocalPorts): number => {
    const explicit = given[k];
    if (explicit !== undefined) return explicit;
    const fromEnv = env[PORT_ENV[k]];
    if (fromEnv !== undefined && fromEnv !== '') {
      const n = Number(fromEnv);
      if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`${PORT_ENV[k]} is not a port: ${fromEnv}`);
      return n;
    }
    return DEFAULT_PORTS[k];
  };
  return { api: pick('api'), bus: pick('bus'), smtp: pick('smtp'), mailWeb: pick('mailWeb'), dynamo: pick('dynamo') };
}
