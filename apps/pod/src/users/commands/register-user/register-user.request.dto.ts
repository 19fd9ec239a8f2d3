import { bodyObject, emailProblems, passwordProblems, throwIfProblems, usernameProblems } from '../../domain/account-fields.js';

/**
 * `{username, password, email?}`. Other fields PeerTube's sign-up form sends (displayName,
 * channel) are ignored so its clients work. The email is checked but not kept: the pod sends
 * no mail yet, and an address it has no use for is only a liability.
 */
export interface RegisterUserRequest {
  username: string;
  password: string;
}

export function parseRegisterUserRequest(body: unknown): RegisterUserRequest {
  const raw = bodyObject(body);
  throwIfProblems([...usernameProblems(raw.username), ...passwordProblems(raw.password), ...emailProblems(raw.email)]);
  return { username: raw.username as string, password: raw.password as string };
}
