import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './netns.js';

/**
 * A private certificate authority made with openssl for one test run, and certificates it
 * signs for the test's host names (subjectAltName DNS). Pods trust it through
 * NODE_EXTRA_CA_CERTS, curl and aria2c through their CA option, Chromium through an NSS
 * database in its profile's home (as an admin adds a private CA on a desktop).
 */
export interface TestCa {
  dir: string;
  /** The CA certificate (PEM). */
  certPath: string;
  issue(name: string): Promise<{ certPath: string; keyPath: string }>;
  /** An NSS database folder (HOME/.pki/nssdb) that trusts the CA, for Chromium. */
  nssHome(dir: string): Promise<string>;
}

export async function makeTestCa(dir: string): Promise<TestCa> {
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.pem');
  // A CA already made in this folder (by a parent process that trusts it) is used as it is.
  if (!existsSync(certPath)) await sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=Swarmtube test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  let serial = Date.now();
  return {
    dir,
    certPath,
    async issue(name) {
      const hostKey = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const hostCert = join(dir, `${name}.pem`);
      const extensions = join(dir, `${name}.ext`);
      writeFileSync(extensions, `subjectAltName=${/^[\d.]+$/.test(name) ? 'IP' : 'DNS'}:${name}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
      await sh('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', hostKey, '-out', csr, '-subj', `/CN=${name}`]);
      await sh('openssl', ['x509', '-req', '-in', csr, '-CA', certPath, '-CAkey', keyPath, '-set_serial', String(++serial), '-days', '2', '-extfile', extensions, '-out', hostCert]);
      return { certPath: hostCert, keyPath: hostKey };
    },
    async nssHome(home) {
      const db = join(home, '.pki', 'nssdb');
      mkdirSync(db, { recursive: true });
      await sh('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      await sh('certutil', ['-A', '-d', `sql:${db}`, '-n', 'Swarmtube test CA', '-t', 'C,,', '-i', certPath]);
      return home;
    },
  };
}
