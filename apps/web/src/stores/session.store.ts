import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { configureAuth, isAbort } from '@/api/http';
import { fetchMe, issueToken, revokeToken } from '@/api/users.api';
import type { Account } from '@/api/types';
import { readStorage, writeStorage } from '@/composables/storage';

const TOKEN_KEY = 'swarmtube.token';

/**
 * Who is logged in on this pod: the bearer token (kept in localStorage, so a reload stays
 * logged in) and the account it belongs to. A 401 on any call with the token logs out.
 */
export const useSessionStore = defineStore('session', () => {
  const token = ref<string | null>(readStorage(TOKEN_KEY));
  const account = ref<Account | null>(null);
  const checking = ref(false);

  const loggedIn = computed(() => token.value !== null);
  const isAdmin = computed(() => account.value?.role === 'admin');
  const username = computed(() => account.value?.username ?? null);

  function setToken(value: string | null): void {
    token.value = value;
    writeStorage(TOKEN_KEY, value);
    if (value === null) account.value = null;
  }

  configureAuth({ token: () => token.value, onUnauthorized: () => setToken(null) });

  let pending: Promise<void> | null = null;
  /** Reads the account of the stored token (once; again after a login). */
  function refresh(): Promise<void> {
    if (token.value === null) return Promise.resolve();
    pending ??= (async () => {
      checking.value = true;
      try {
        account.value = await fetchMe();
      } catch (reason) {
        if (!isAbort(reason)) account.value = null; // a 401 already cleared the token
      } finally {
        checking.value = false;
        pending = null;
      }
    })();
    return pending;
  }

  async function login(name: string, password: string): Promise<void> {
    const issued = await issueToken(name, password);
    setToken(issued.access_token);
    await refresh();
  }

  async function logout(): Promise<void> {
    try {
      if (token.value) await revokeToken();
    } catch {
      // The token dies with the session here whatever the pod answered.
    } finally {
      setToken(null);
    }
  }

  return { token, account, checking, loggedIn, isAdmin, username, refresh, login, logout };
});
