import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const isErrno = (e: unknown, code: string) => (e as NodeJS.ErrnoException | undefined)?.code === code;

/**
 * Reads a secret file, creating it with `create()` on first use (mode 0600, folder 0700). Written to a temporary
 * file and then hard-linked into place, so two processes starting at once never see a half-written key and both end
 * up with the same one (the loser of the race reads the winner's).
 */
export const readOrCreateSecretFile = async (path: string, create: () => Uint8Array | string): Promise<Buffer> => {
  try {
    return await readFile(path);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, create(), { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, path);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  } finally {
    await unlink(tmp);
  }
  return readFile(path);
};

export const LOCAL_KEY_PREFIX = 'local:';

/** `local:<name>` for a key file name: the keyRef an issuer record holds in local mode. */
export const localKeyRef = (name: string): string => `${LOCAL_KEY_PREFIX}${name}`;

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const KEY_TYPES = {
  ed25519: { label: 'Ed25519', generate: () => generateKeyPairSync('ed25519').privateKey },
  rsa: { label: 'RSA', generate: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey },
} as const;

/**
 * The private keys of local mode's signers, by keyRef `local:<name>`: PKCS#8 PEM files in `<dataDir>/keys/<name>.pem`,
 * created on first use with mode 0600 and read once per process. A file holding another type of key is refused, and
 * a failed read is forgotten so the next call tries again.
 */
export const localPrivateKeys = (dataDir: string, type: keyof typeof KEY_TYPES) => {
  const keys = new Map<string, Promise<KeyObject>>();
  const { label, generate } = KEY_TYPES[type];

  const load = async (name: string): Promise<KeyObject> => {
    const pem = await readOrCreateSecretFile(join(dataDir, 'keys', `${name}.pem`), () =>
      generate().export({ format: 'pem', type: 'pkcs8' }),
    );
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== type) throw new Error(`local key ${name} is not an ${label} key`);
    return key;
  };

  return (keyRef: string): Promise<KeyObject> => {
    const name = keyRef.startsWith(LOCAL_KEY_PREFIX) ? keyRef.slice(LOCAL_KEY_PREFIX.length) : '';
    // The name becomes a file name: nothing that could climb out of the keys folder.
    if (!KEY_NAME.test(name)) throw new Error(`not a local keyRef (local:<name>): ${keyRef}`);
    let pending = keys.get(name);
    if (!pending) {
      pending = load(name).catch((e: unknown) => {
        keys.delete(name);
        throw e;
      });
      keys.set(name, pending);
    }
    return pending;
  };
};
