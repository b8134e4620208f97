import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository root: the nearest directory above this file that holds nx.json. */
export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('workspace root (nx.json) not found');
    dir = parent;
  }
  return dir;
}

/** Where the local stack keeps its state, logs and data (git-ignored). */
export function stackDir(): string {
  return process.env['HOSP_STACK_DIR'] ?? join(workspaceRoot(), '.stack');
}

/** A per-user cache that survives fresh clones: Kafka jars are resolved into it once per version. */
export function cacheDir(): string {
  return join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'hosp-platform');
}
