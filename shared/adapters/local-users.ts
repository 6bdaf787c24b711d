import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Local mode's console users, in `<dataDir>/auth/users.json`: email, groups (the same names as the Cognito groups)
 * and a scrypt password hash. `npm start` creates one user per role on first run with random passwords, which it
 * prints and keeps in `<dataDir>/auth/passwords.txt` (mode 0600; local mode only, on loopback).
 */

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export interface LocalUser {
  sub: string;
  email: string;
  groups: string[];
  passwordHash: string;
}

/** `scrypt$N$r$p$<salt>$<hash>` (base64url). */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
};

export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/** A hash of a password nobody has: compared against when the email is unknown, so timing does not tell. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
};

export const usersFile = (dataDir: string) => join(dataDir, 'auth', 'users.json');
export const passwordsFile = (dataDir: string) => join(dataDir, 'auth', 'passwords.txt');

export const readLocalUsers = async (dataDir: string): Promise<LocalUser[]> => {
  try {
    return (JSON.parse(await readFile(usersFile(dataDir), 'utf8')) as { users: LocalUser[] }).users;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

/** The users local mode starts with: one per role, plus a committee of two reviewers. */
export const DEFAULT_LOCAL_USERS = [
  { email: 'admin@demo.localhost', groups: ['admin'] },
  { email: 'reviewer1@demo.localhost', groups: ['reviewer'] },
  { email: 'reviewer2@demo.localhost', groups: ['reviewer'] },
  { email: 'viewer@demo.localhost', groups: ['viewer'] },
  { email: 'demo-admin@demo.localhost', groups: ['issuer-admin:demo'] },
] as const;

/**
 * Creates the users file on first run (never overwrites it). Returns the users with their passwords when it just
 * created them; afterwards only where the passwords are kept.
 */
export const ensureLocalUsers = async (
  dataDir: string,
): Promise<{ created: boolean; users: { email: string; groups: string[]; password?: string }[] }> => {
  const existing = await readLocalUsers(dataDir);
  if (existing.length > 0) return { created: false, users: existing.map(({ email, groups }) => ({ email, groups })) };
  const made = await Promise.all(
    DEFAULT_LOCAL_USERS.map(async (u) => {
      const password = randomBytes(12).toString('base64url');
      return {
        user: { sub: randomUUID(), email: u.email, groups: [...u.groups], passwordHash: await hashPassword(password) },
        password,
      };
    }),
  );
  await mkdir(dirname(usersFile(dataDir)), { recursive: true, mode: 0o700 });
  await writeFile(usersFile(dataDir), `${JSON.stringify({ users: made.map((m) => m.user) }, null, 2)}\n`, {
    mode: 0o600,
  });
  await writeFile(
    passwordsFile(dataDir),
    `${made.map((m) => `${m.user.email}\t${m.password}\t${m.user.groups.join(',')}`).join('\n')}\n`,
    { mode: 0o600 },
  );
  return {
    created: true,
    users: made.map((m) => ({ email: m.user.email, groups: m.user.groups, password: m.password })),
  };
};
