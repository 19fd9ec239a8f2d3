// proxy-addr 2.0 (Express's own, for `trust proxy`) ships no types.
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';
  type Trust = (address: string, hop: number) => boolean;
  function proxyaddr(req: IncomingMessage, trust: Trust | string | string[]): string;
  namespace proxyaddr {
    function all(req: IncomingMessage, trust?: Trust | string | string[]): string[];
    function compile(values: string | string[]): Trust;
  }
  export = proxyaddr;
}
