import type { PodConfig } from '../config/pod-config.js';
import { iceServersFor, iceServersForNodeDatachannel } from '../p2p/ice-servers.js';

/**
 * The seeder's own ICE servers: the config's STUN and TURN, with credentials minted for the
 * id `seeder` like a viewer's, renewed at half their lifetime. None configured: none.
 */
export function seederIceServers(config: Pick<PodConfig, 'ice'>): { iceServers?: () => unknown[]; iceRefreshSeconds?: number } {
  if (config.ice.stunUrls.length === 0 && config.ice.turnUrls.length === 0) return {};
  const ttl = config.ice.credentialTtlSeconds;
  return {
    iceServers: () => iceServersForNodeDatachannel(iceServersFor(config.ice, 'seeder', Math.floor(Date.now() / 1000) + ttl)),
    iceRefreshSeconds: Math.max(1, Math.floor(ttl / 2)),
  };
}
