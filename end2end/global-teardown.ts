import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Removes the run's database directory (made by playwright.config.ts). */
export default function globalTeardown() {
  const dir = process.env.OUBLI_E2E_DATA_DIR;
  if (dir && path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith('oubli-e2e-')) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
