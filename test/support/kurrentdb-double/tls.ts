/**
 * A TLS listener for the double, as every KurrentDB server has unless started `--insecure`. The
 * certificates in tls/ are test material only, made once with openssl: a CA (`ca.pem`, its key
 * discarded) and a server certificate for `localhost` and `127.0.0.1` signed by it, valid until
 * 2126. Both clients check them as against a real node: the Node client with the CA from
 * `tlsCAFile`, the Rust read bridge (rustls) likewise, which refuses a self-signed certificate
 * used directly, hence the separate CA.
 * Not modelled: client certificates (`userCertFile`), certificate reloading, the server's
 * certificate-name checks between cluster nodes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ServerCredentials } from '@grpc/grpc-js';

/** The CA a client must trust (`tlsCAFile=`) to verify the double. */
export const TEST_CA_FILE = fileURLToPath(new URL('./tls/ca.pem', import.meta.url));

export function tlsCredentials(): ServerCredentials {
  const read = (name: string) => readFileSync(fileURLToPath(new URL(`./tls/${name}`, import.meta.url)));
  return ServerCredentials.createSsl(null, [
    { private_key: read('server-key.pem'), cert_chain: read('server.pem') },
  ]);
}
