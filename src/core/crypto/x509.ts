// @peculiar/x509 with its crypto provider set (Node's native WebCrypto). Loaded only where a
// certificate or CSR is parsed with it: inspect and --csr checking. issue and renew build their
// CSRs from the ASN.1 schemas (csr.ts) and verify with node:crypto (verify.ts), so they never load it.
import "reflect-metadata"; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
