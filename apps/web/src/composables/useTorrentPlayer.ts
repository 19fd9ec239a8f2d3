import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { Video } from '@/api/types';
import { emptyFigures, type SwarmFigures } from '@/p2p/swarm-meter';
import { fetchIceServers } from '@/api/p2p.api';
import { preparePlayback, TorrentPlayback } from '@/p2p/torrent-playback';

export type PlayerStatus = 'idle' | 'starting' | 'playing' | 'error';

/**
 * Plays `video` into the <video> element through WebTorrent (see p2p/torrent-playback.ts),
 * starting again when the video or the P2P switch changes; the P2P panel's figures, live.
 */
export function useTorrentPlayer(element: Ref<HTMLVideoElement | null>, video: Ref<Video | null>, p2p: Ref<boolean>) {
  const figures = shallowRef<SwarmFigures>(emptyFigures());
  const status = ref<PlayerStatus>('idle');
  const mode = ref<'starting' | 'webtorrent' | 'direct'>('starting');
  const error = ref<string | null>(null);
  preparePlayback();
  let playback: TorrentPlayback | null = null;
  let starting: AbortController | null = null;
  let generation = 0;

  function stop(): void {
    generation++;
    starting?.abort();
    starting = null;
    playback?.destroy();
    playback = null;
  }

  async function start(el: HTMLVideoElement, source: Video, useP2p: boolean): Promise<void> {
    stop();
    const mine = generation;
    const controller = (starting = new AbortController());
    status.value = 'starting';
    mode.value = 'starting';
    error.value = null;
    figures.value = { ...emptyFigures(), webSeed: useP2p ? 'standby' : 'active' };
    try {
      const started = await TorrentPlayback.start(source, el, {
        p2p: useP2p,
        iceServers: fetchIceServers,
        // The panel counts the mirrors' seeders and web seeds as mirrors, not as the origin or viewers.
        mirrors: (source.mirrors ?? []).map((mirror) => mirror.torrentUrl),
        onFigures: (next) => {
          if (mine === generation) figures.value = next;
        },
        onError: (message) => {
          if (mine === generation) error.value = message;
        },
        signal: controller.signal,
      });
      if (mine !== generation) return started.destroy();
      playback = started;
      mode.value = started.mode;
      status.value = 'playing';
    } catch (reason) {
      if (mine !== generation) return;
      status.value = 'error';
      error.value = reason instanceof Error ? reason.message : String(reason);
    }
  }

  watch(
    [element, video, p2p] as const,
    ([el, source, useP2p]) => {
      if (el && source) void start(el, source, useP2p);
      else stop();
    },
    { immediate: true },
  );

  onScopeDispose(stop);

  return { figures, status, mode, error, useWebSeed: () => playback?.addWebSeed() };
}
