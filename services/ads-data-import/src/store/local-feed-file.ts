import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { boundedText } from '../domain/bounded-text';
import { FeedSourceError, FeedSourceRefusedError } from '../errors';

/** A local feed file, opened: its handle, size, and the path it was named by (resolved). */
export interface LocalFeedFile {
  path: string;
  handle: FileHandle;
  size: number;
}

function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * Opens a feed file, only from inside `localDir` (FEED_LOCAL_DIR), none at all without it. A
 * relative path is taken inside that folder. The path must stay inside both as written (`..`
 * is refused before the file system is asked, so a refusal tells nothing about what exists
 * outside) and once every symbolic link is resolved. The resolved path is opened with
 * O_NOFOLLOW, so a last component swapped for a link after the check is not followed.
 */
export async function openLocalFeedFile(path: string, localDir: string | undefined): Promise<LocalFeedFile> {
  const shown = boundedText(path);
  if (localDir === undefined) {
    throw new FeedSourceRefusedError(
      `feed ${shown} is a local file, and local feed files are off: an operator can name the one folder they are read from in FEED_LOCAL_DIR`,
    );
  }
  const folder = resolve(localDir);
  let realFolder: string;
  try {
    realFolder = await realpath(folder);
  } catch (error) {
    throw new FeedSourceError(`FEED_LOCAL_DIR ${folder} cannot be read: ${errorCode(error)}`, { cause: error });
  }
  const named = resolve(realFolder, path);
  const outside = `feed ${shown} is outside FEED_LOCAL_DIR (${folder}); local feeds are read from that folder only`;
  if (!isInside(realFolder, named) && !isInside(folder, resolve(folder, path))) throw new FeedSourceRefusedError(outside);
  let real: string;
  try {
    real = await realpath(named);
  } catch (error) {
    throw new FeedSourceError(`feed file ${shown} cannot be read: ${errorCode(error)}`, { cause: error });
  }
  if (!isInside(realFolder, real)) throw new FeedSourceRefusedError(`${outside} (a symbolic link leads out of it)`);
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new FeedSourceError(`feed file ${shown} cannot be read: ${errorCode(error)}`, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FeedSourceError(`feed source ${shown} is not a file`);
    return { path: named, handle, size: info.size };
  } catch (error) {
    await handle.close();
    if (error instanceof FeedSourceError) throw error;
    throw new FeedSourceError(`feed file ${shown} cannot be read: ${errorCode(error)}`, { cause: error });
  }
}
