import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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
