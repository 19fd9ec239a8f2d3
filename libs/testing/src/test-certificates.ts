import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './test-databases.js';

export interface TestCertificate {
  key: string;
  cert: string;
}

/** A test CA and server certificates made by openssl in a temp folder, good and bad. */
export interface TestCertificates {
  /** The CA's certificate file (PEM), for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  ca: string;
  /** Signed by the CA, for 127.0.0.1 and localhost. */
  good: TestCertificate;
  /** Signed by the CA, for 127.0.0.1 and localhost, expired a day before it began. */
  expired: TestCertificate;
  /** Signed by itself, for 127.0.0.1 and localhost. */
  selfSigned: TestCertificate;
  /** Signed by the CA, for another name (other.example). */
  otherName: TestCertificate;
  remove(): void;
}

const LOCAL_NAMES = 'subjectAltName=IP:127.0.0.1,DNS:localhost';

/** openssl, with P-256 keys (fast to make). */
export function makeTestCertificates(): TestCertificates {
  const dir = tempDir('swarmtube-certs-');
  const at = (name: string) => join(dir.path, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...newKey, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '2', '-subj', '/CN=Swarmtube test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const signed = (name: string, subjectAltName: string, days: string): TestCertificate => {
    writeFileSync(at(`${name}.ext`), `${subjectAltName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl('req', ...newKey, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', days, '-extfile', at(`${name}.ext`), '-out', at(`${name}.crt`));
    return { key: readFileSync(at(`${name}.key`), 'utf8'), cert: readFileSync(at(`${name}.crt`), 'utf8') };
  };
  const good = signed('good', LOCAL_NAMES, '2');
  // -days -1: notAfter a day before notBefore, so expired from the start.
  const expired = signed('expired', LOCAL_NAMES, '-1');
  const otherName = signed('other', 'subjectAltName=DNS:other.example', '2');
  openssl('req', '-x509', ...newKey, '-keyout', at('self.key'), '-out', at('self.crt'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', LOCAL_NAMES);
  const selfSigned = { key: readFileSync(at('self.key'), 'utf8'), cert: readFileSync(at('self.crt'), 'utf8') };
  return { caFile: at('ca.crt'), ca: readFileSync(at('ca.crt'), 'utf8'), good, expired, selfSigned, otherName, remove: () => dir.remove() };
}
