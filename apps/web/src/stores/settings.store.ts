import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { readStorage, writeStorage } from '@/composables/storage';

const P2P_KEY = 'swarmtube.p2p';

/**
 * The viewer's choices, kept in localStorage. `p2p` off: videos come from the web seed only,
 * with no tracker announce and no WebRTC, so the viewer's address is never shared with the swarm.
 */
export const useSettingsStore = defineStore('settings', () => {
  const p2p = ref(readStorage(P2P_KEY) !== 'off');
  watch(p2p, (on) => writeStorage(P2P_KEY, on ? 'on' : 'off'));
  return { p2p };
});
