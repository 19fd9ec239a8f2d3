import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Who is on the other end of a request. Behind a reverse proxy every connection comes from
 * the proxy, so the client's address and scheme are in X-Forwarded-For/-Proto; anyone can
 * send those headers, so they are believed only from the proxies the config trusts
 * (`trustedProxies`: addresses, CIDRs, or proxy-addr's `loopback`, `linklocal`,
 * `uniquelocal`), hop by hop from the socket as Express's `trust proxy` does (it is the same
 * proxy-addr, and Express requests get the same function). With none trusted, the socket's
 * address is the client's and the headers are ignored.
 */
export class ClientAddresses {
  /** proxy-addr's compiled trust function, for Express's `trust proxy` too. */
  readonly trust: (address: string, hop: number) => boolean;

  constructor(readonly trustedProxies: readonly string[]) {
    this.trust = trustedProxies.length === 0 ? () => false : proxyaddr.compile([...trustedProxies]);
  }

  /** The client's address; undefined once the connection is gone. */
  of(req: IncomingMessage): string | undefined {
    if (req.socket.remoteAddress === undefined) return undefined;
    return proxyaddr(req, this.trust);
  }

  /** `https` when the connection is TLS, or a trusted proxy says the client's was. */
  protocolOf(req: IncomingMessage): 'http' | 'https' {
    const direct = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const socketAddress = req.socket.remoteAddress;
    if (socketAddress === undefined || !this.trust(socketAddress, 0)) return direct;
    // As Express: the first value of X-Forwarded-Proto, the one the proxy nearest us set.
    const header = req.headers['x-forwarded-proto'];
    const value = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase();
    return value === 'https' || value === 'http' ? value : direct;
  }
}

/** Throws a message naming what is wrong when a trusted proxy is not an address, CIDR or proxy-addr name. */
export function checkTrustedProxies(values: readonly string[]): void {
  for (const value of values) {
    try {
      proxyaddr.compile(value);
    } catch (error) {
      throw new Error(`"${value.slice(0, 100)}": ${(error as Error).message}`);
    }
  }
}
