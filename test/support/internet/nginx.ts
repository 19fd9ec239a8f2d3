import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepositoryRoot } from '../../../apps/pod/src/repository-root.js';
import type { NetnsRun, NsProcess } from './netns.js';

/** The site the repository ships (deploy/nginx/swarmtube.conf), rendered for one host. */
export const SITE_TEMPLATE = join(findRepositoryRoot(), 'deploy', 'nginx', 'swarmtube.conf');

const MiB = 1024 * 1024;

/** `client_max_body_size` for an upload limit: the file plus 1 MiB of multipart envelope. */
export function uploadBodyLimit(maxBytes: number): string {
  return `${Math.ceil(maxBytes / MiB) + 1}m`;
}

/**
 * The shipped site with its documented placeholders replaced. Fails when a placeholder is
 * missing: the file and this renderer (and docs/deploy.md) must name the same values.
 */
export function renderSite(values: { host: string; certPath: string; keyPath: string; upstream: string; uploadMaxBytes: number; acmeRoot: string }): string {
  let site = readFileSync(SITE_TEMPLATE, 'utf8');
  const replacements: Array<[string, string]> = [
    ['/etc/ssl/swarmtube/fullchain.pem', values.certPath],
    ['/etc/ssl/swarmtube/privkey.pem', values.keyPath],
    ['video.example.org', values.host],
    ['127.0.0.1:9000', values.upstream],
    ['4097m', uploadBodyLimit(values.uploadMaxBytes)],
    ['/var/www/acme', values.acmeRoot],
  ];
  for (const [placeholder, value] of replacements) {
    if (!site.includes(placeholder)) throw new Error(`${SITE_TEMPLATE} no longer holds the placeholder ${placeholder}`);
    site = site.split(placeholder).join(value);
  }
  return site;
}

/** nginx's own main file around the site: everything under `dir`, in the foreground. */
export function mainConfig(dir: string, sitePath: string): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  # The connection and its request count: requests kept alive on one connection (and one
  # TLS handshake, or a resumed one) show as one connection number with rising counts.
  log_format swarmtest '$remote_addr [$time_local] "$request" $status $body_bytes_sent conn=$connection n=$connection_requests tls=$ssl_protocol reused=$ssl_session_reused';
  access_log ${dir}/access.log swarmtest;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${sitePath};
}
`;
}

export interface RunningNginx {
  process: NsProcess;
  dir: string;
  accessLog(): string;
  errorLog(): string;
}

/** Renders the site for a host and runs nginx with it inside `ns` (after `nginx -t`). */
export async function startNginx(run: NetnsRun, ns: string, dir: string, values: Parameters<typeof renderSite>[0]): Promise<RunningNginx> {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  mkdirSync(values.acmeRoot, { recursive: true });
  const sitePath = join(dir, 'swarmtube.conf');
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(sitePath, renderSite(values));
  writeFileSync(confPath, mainConfig(dir, sitePath));
  const checked = await run.exec(ns, 'nginx', ['-t', '-q', '-c', confPath], { allowFailure: true });
  if (checked.code !== 0) throw new Error(`nginx -t refused the rendered site for ${values.host}: ${checked.stderr}`);
  const process = run.spawn(ns, `nginx ${values.host}`, 'nginx', ['-c', confPath]);
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  return { process, dir, accessLog: () => read('access.log'), errorLog: () => read('error.log') };
}
