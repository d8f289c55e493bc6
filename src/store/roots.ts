// Which certificate of an issuing chain is the trust anchor. chain.pem and fullchain.pem are what
// a TLS server sends, and a server must not send the root (clients trust it from their own store;
// certbot and the Infisical agent omit it too), so a self-signed root goes to ca.pem on its own.
import { parseCertificate, signedBy } from "../util/certificates.js";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export interface SplitChain {
  /** The intermediates, PEM, in the order given (empty when the chain is the root alone). */
  intermediates: string;
  /** The self-signed root, PEM, when the chain ended with one. */
  root?: string;
}

/**
 * Split a trailing self-signed certificate off a PEM chain. Self-signed means it names itself as
 * issuer and its own key verifies its signature; a cross-signed root (issuer ≠ subject) is an
 * intermediate as far as the TLS server is concerned and stays in the chain.
 */
export function splitSelfSignedRoot(chainPem: string): SplitChain {
  const blocks = chainPem.match(PEM_CERT) ?? [];
  const last = blocks[blocks.length - 1];
  if (last === undefined || !isSelfSigned(last)) return { intermediates: blocks.join("\n") };
  return { intermediates: blocks.slice(0, -1).join("\n"), root: last };
}

function isSelfSigned(pem: string): boolean {
  try {
    const cert = parseCertificate(pem);
    return cert.subject === cert.issuer && cert.checkIssued(cert) && signedBy(cert, cert);
  } catch {
    // Unparseable here means it was never verified as part of the chain: leave it where it was.
    return false;
  }
}
