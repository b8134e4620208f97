import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';

export interface StoredFile {
  sha256: string;
  size: number;
  /** Path relative to the archive root. */
  path: string;
}

/**
 * The object store: DICOM Part 10 files on the filesystem under ARCHIVE_ROOT, named by the SHA-256 of their
 * bytes (objects/ab/cd/abcd...dcm). A file is written to a temporary name, flushed to disk (fsync) and renamed
 * into place, and its directory flushed too, before anything refers to it: after a crash a name either holds
 * the complete file or does not exist. The same content is stored once.
 */
@Injectable()
export class ObjectStore {
  constructor(@Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings) {}

  get root(): string {
    return this.settings.archiveRoot;
  }

  pathOf(sha256: string): string {
    return join(this.root, 'objects', sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.dcm`);
  }

  async put(file: Buffer): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(file).digest('hex');
    const target = this.pathOf(sha256);
    const stored = { sha256, size: file.length, path: relative(this.root, target) };
    if (await exists(target)) return stored;
    const dir = dirname(target);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${randomUUID()}.tmp`);
    try {
      await writeDurably(tmp, file);
      await rename(tmp, target);
      await syncDirectory(dir);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return stored;
  }

  read(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256));
  }

  /**
   * Keeps the bytes of an object that was refused (truncated, unparsable) with the reason, for whoever has to
   * find out what the modality sent. Best effort: the refusal does not depend on it.
   */
  async quarantine(bytes: Buffer, reason: string, from: string): Promise<string | undefined> {
    try {
      const dir = join(this.root, 'rejected', new Date().toISOString().slice(0, 10));
      await mkdir(dir, { recursive: true });
      const name = `${Date.now()}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
      await writeFile(join(dir, `${name}.bin`), bytes);
      await writeFile(join(dir, `${name}.txt`), `${from}\n${reason}\n`);
      return join(dir, `${name}.bin`);
    } catch {
      return undefined;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function writeDurably(path: string, data: Buffer): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
