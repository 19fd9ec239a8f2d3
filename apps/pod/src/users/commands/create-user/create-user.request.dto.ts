import type { Role } from '../../local-accounts.js';
import { bodyObject, passwordProblems, roleProblems, throwIfProblems, usernameProblems } from '../../domain/account-fields.js';

/** `{username, password, role}` with role "admin" or "user" (PeerTube's numeric roles are not taken: no moderators here). */
export interface CreateUserRequest {
  username: string;
  password: string;
  role: Role;
}

export function parseCreateUserRequest(body: unknown): CreateUserRequest {
  const raw = bodyObject(body);
  throwIfProblems([...usernameProblems(raw.username), ...passwordProblems(raw.password), ...roleProblems(raw.role)]);
  return { username: raw.username as string, password: raw.password as string, role: raw.role as Role };
}
