// @peculiar/x509, loaded only where a certificate or CSR is parsed with it: inspect, --csr checking
// and the dev server. issue and renew build their CSRs from the ASN.1 schemas (csr.ts) and verify
// with node:crypto (verify.ts), so they never load it. No provider is set here: every function
// that signs, verifies or hashes with x509 takes the crypto provider as a last, defaulted argument
// (globalThis.crypto, Node's native WebCrypto, which works off the main thread).
import "reflect-metadata"; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from "@peculiar/x509";

export { x509 };
