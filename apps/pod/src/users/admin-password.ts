import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The AdminPassword provider's token (UsersModule). */
export const ADMIN_PASSWORD = Symbol('AdminPassword');

export interface AdminPassword {
  password: string;
  /** True when this start generated it: the pod prints it once. */
  generated: boolean;
  path: string;
}

/**
 * The root admin's password: $SWARMTUBE_ADMIN_PASSWORD when set, else the one generated at
 * first start and kept in <dataDir>/admin-password (mode 0600, written atomically).
 */
export function ensureAdminPassword(dataDir: string, env: NodeJS.ProcessEnv = process.env): AdminPassword {
  const path = join(dataDir, 'admin-password');
  if (env.SWARMTUBE_ADMIN_PASSWORD) return { password: env.SWARMTUBE_ADMIN_PASSWORD, generated: false, path };
  try {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored) return { password: stored, generated: false, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = randomBytes(18).toString('base64url');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, password + '\n', { mode: 0o600 });
  renameSync(temp, path);
  return { password, generated: true, path };
}
