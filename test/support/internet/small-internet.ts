import { NetnsRun } from './netns.js';

/**
 * A small internet on one machine. One namespace holds the backbone: a bridge every "public"
 * host is plugged into (addresses 10.77.0.0/24, which exist only inside these namespaces;
 * no namespace has a route anywhere else). On it: three pods, a TURN server, a client (the
 * test's API calls and aria2c), and two home routers that NAT their home's viewer
 * (192.168.1.0/24 and 192.168.2.0/24) behind their one backbone address, as a home box does:
 * nftables masquerade, and no unsolicited traffic in.
 *
 *   pod1.swarm.test 10.77.0.11   pod2 .12   pod3 .13   turn.swarm.test .20   client .30
 *   home A: router 10.77.0.41 | 192.168.1.1 -- viewer 192.168.1.10
 *   home B: router 10.77.0.42 | 192.168.2.1 -- viewer 192.168.2.10
 */

export const DOMAIN = 'swarm.test';
export const POD_ADDRESSES = ['10.77.0.11', '10.77.0.12', '10.77.0.13'] as const;
export const POD_NAMES = ['pod1.swarm.test', 'pod2.swarm.test', 'pod3.swarm.test'] as const;
export const TURN_ADDRESS = '10.77.0.20';
export const TURN_NAME = 'turn.swarm.test';
export const CLIENT_ADDRESS = '10.77.0.30';

export interface Home {
  name: 'a' | 'b';
  router: string;
  viewer: string;
  /** The router's backbone address: what the internet sees of this home. */
  publicAddress: string;
  viewerAddress: string;
}

export interface SmallInternet {
  run: NetnsRun;
  backbone: string;
  pods: string[];
  turn: string;
  client: string;
  homes: [Home, Home];
  /** Blocks (or unblocks) every UDP datagram between the two homes, in both home routers. */
  blockUdpBetweenHomes(blocked: boolean): Promise<void>;
  /** Caps (or uncaps, with undefined) the bulk a pod host sends, e.g. '1mbit' (tc htb on its link, nftables sorting the packets). */
  throttleUplink(ns: string, rate: string | undefined): Promise<void>;
}

/** The names every host resolves (a hosts file per namespace). */
export function hostsFile(): string {
  return [
    ...POD_ADDRESSES.map((address, i) => `${address} ${POD_NAMES[i]}`),
    `${TURN_ADDRESS} ${TURN_NAME}`,
  ].join('\n');
}

export async function buildSmallInternet(run: NetnsRun): Promise<SmallInternet> {
  const hosts = hostsFile();
  const backbone = await run.namespace('net');
  await run.ip(backbone, 'link', 'add', 'br0', 'type', 'bridge');
  await run.ip(backbone, 'link', 'set', 'br0', 'up');

  /** A host on the backbone: its own namespace, `eth0` with `address`, plugged into br0. */
  let port = 0;
  const plug = async (short: string, address: string): Promise<string> => {
    const ns = await run.namespace(short, hosts);
    const bridgePort = `p${port++}`;
    await run.link(ns, 'eth0', backbone, bridgePort);
    await run.ip(backbone, 'link', 'set', bridgePort, 'master', 'br0');
    await run.ip(ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    return ns;
  };

  const pods: string[] = [];
  for (const [i, address] of POD_ADDRESSES.entries()) pods.push(await plug(`pod${i + 1}`, address));
  const turn = await plug('turn', TURN_ADDRESS);
  const client = await plug('client', CLIENT_ADDRESS);

  const homes: Home[] = [];
  for (const [i, name] of (['a', 'b'] as const).entries()) {
    const publicAddress = `10.77.0.${41 + i}`;
    const lan = `192.168.${i + 1}`;
    const router = await plug(`home${name}`, publicAddress);
    const viewer = await run.namespace(`view${name}`, hosts);
    await run.link(router, 'lan0', viewer, 'eth0');
    await run.ip(router, 'addr', 'add', `${lan}.1/24`, 'dev', 'lan0');
    await run.ip(viewer, 'addr', 'add', `${lan}.10/24`, 'dev', 'eth0');
    await run.ip(viewer, 'route', 'add', 'default', 'via', `${lan}.1`);
    await run.exec(router, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    // A home box: the LAN goes out masqueraded; from the backbone only replies come in
    // (an unsolicited datagram is dropped before conntrack confirms it, so it cannot take
    // the port a viewer's later outgoing flow needs: hole punching works as on real NATs).
    await run.nft(router, `
      table ip home {
        chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "eth0" masquerade; }
        chain input { type filter hook input priority filter; policy accept; iifname "eth0" ct state established,related accept; iifname "eth0" drop; }
        chain forward { type filter hook forward priority filter; policy drop; iifname "lan0" accept; iifname "eth0" ct state established,related accept; }
      }`);
    homes.push({ name, router, viewer, publicAddress, viewerAddress: `${lan}.10` });
  }

  return {
    run,
    backbone,
    pods,
    turn,
    client,
    homes: homes as [Home, Home],
    async throttleUplink(ns, rate) {
      if (!rate) {
        await run.exec(ns, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root'], { allowFailure: true });
        await run.exec(ns, 'nft', ['delete', 'table', 'inet', 'uplink'], { allowFailure: true });
        return;
      }
      // Bulk (every UDP datagram: WebRTC and uTP; TCP segments over 1200 bytes: the web seed)
      // goes through a class capped at `rate`; small packets (the tracker's WebSocket
      // messages, ACKs, API answers) keep a lane of their own, as a home box's QoS would.
      const tc = (...args: string[]) => run.exec(ns, 'tc', args);
      await tc('qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', '1:', 'htb', 'default', '10');
      await tc('class', 'add', 'dev', 'eth0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit', 'quantum', '60000');
      await tc('class', 'add', 'dev', 'eth0', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', rate, 'ceil', rate, 'quantum', '1514');
      // A short queue (64 KB, half a second at 1 Mbit/s): a veth's default 1,000 packets of up
      // to 64 KB each (segmentation offload) would hold a minute of data, and the offers and
      // answers the tracker relays would wait behind it.
      await tc('qdisc', 'add', 'dev', 'eth0', 'parent', '1:20', 'handle', '20:', 'bfifo', 'limit', '64kb');
      await run.nft(ns, `table inet uplink {
        chain out { type filter hook output priority filter; policy accept; meta l4proto udp meta priority set 0x10020; meta length > 1200 meta priority set 0x10020; }
      }`);
    },
    async blockUdpBetweenHomes(blocked) {
      for (const [home, other] of [[homes[0], homes[1]], [homes[1], homes[0]]]) {
        if (blocked) {
          await run.nft(home.router, `
            # Every datagram, also of flows set up before: the rule looks at addresses, not at conntrack.
            table ip blockudp {
              chain forward { type filter hook forward priority filter - 10; policy accept; ip daddr ${other.publicAddress} meta l4proto udp drop; ip saddr ${other.publicAddress} meta l4proto udp drop; }
            }`);
        } else {
          await run.exec(home.router, 'nft', ['delete', 'table', 'ip', 'blockudp'], { allowFailure: true });
        }
      }
    },
  };
}
