import { apiUrl } from './http';

/**
 * The ICE servers (STUN, TURN with short-lived credentials) of the pod that serves this site,
 * for the page's WebRTC: a viewer session first, then the servers for it (docs/protocol.md,
 * "Viewers across NATs"). Plain fetch, not `request`: a refused session is not a logout.
 * Any failure gives no servers: playback then works as before on loopback and LANs, and the
 * web seed covers the rest.
 */
export async function fetchIceServers(signal?: AbortSignal): Promise<RTCIceServer[]> {
  try {
    const opened = await fetch(apiUrl('/api/v1/p2p/viewer-sessions'), { method: 'POST', headers: { Accept: 'application/json' }, signal });
    if (!opened.ok) return [];
    const { token } = (await opened.json()) as { token: string };
    const answer = await fetch(apiUrl('/api/v1/p2p/ice-servers'), { headers: { Accept: 'application/json', 'X-Viewer-Session': token }, signal });
    if (!answer.ok) return [];
    const { iceServers } = (await answer.json()) as { iceServers: RTCIceServer[] };
    return Array.isArray(iceServers) ? iceServers : [];
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return [];
  }
}
