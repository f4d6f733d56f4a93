/**
 * The dashboard's static files (web/): plain HTML, CSS and JavaScript modules with no build step.
 * They are read once when the plugin registers and served from memory by exact name, so a request
 * path can never reach outside the folder and no file-serving dependency is needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** The repository's web/ folder, found from this module's place in src/ or dist/. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../../web/', import.meta.url));
}

/** Reads every servable file directly in `root` (no subfolders), by file name. */
export function loadStaticFiles(root: string): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const contentType = contentTypes[extname(entry.name)];
    if (!entry.isFile() || contentType === undefined) continue;
    files.set(entry.name, { body: readFileSync(join(root, entry.name)), contentType });
  }
  return files;
}
