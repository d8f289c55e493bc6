// The dev server's certificate authorities, made fresh at every start: an EC P-256 and an
// RSA-2048 hierarchy (root → intermediate), because a real CA signs only with its own key
// family and clients must be able to get both kinds of leaf.
import { generateKeyPair, randomSerial, subtle, x509, type HashName, type KeyFamily } from "./crypto.js";

export interface IssuingCa {
  family: KeyFamily;
  /** "EC_prime256v1" / "RSA_2048": the name the real server uses in its errors. */
  keyAlgorithm: string;
  root: x509.X509Certificate;
  intermediate: x509.X509Certificate;
  rootPem: string;
  intermediatePem: string;
  /** The intermediate's private key, able to sign with `hash` (RSA keys carry their hash). */
  signingKey(hash: HashName): Promise<CryptoKey>;
}

const DAY = 86_400_000;
const CA_USAGES = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature;

export async function createCaPair(family: KeyFamily, now = new Date()): Promise<IssuingCa> {
  const algorithm = family === "EC" ? "EC_prime256v1" : "RSA_2048";
  const [rootKeys, intermediateKeys] = await Promise.all([generateKeyPair(algorithm), generateKeyPair(algorithm)]);
  const label = family === "EC" ? "ECC" : "RSA";
  // Backdated 400 days so leaves backdated with --backdate still fall inside their issuer's validity.
  const notBefore = new Date(now.getTime() - 400 * DAY);
  const notAfter = new Date(now.getTime() + 10 * 365 * DAY);
  const signingAlgorithm = family === "EC" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" };

  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=certctl dev-server ${label} Root CA, O=certctl dev-server`,
    keys: rootKeys,
    serialNumber: randomSerial(),
    notBefore,
    notAfter,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(CA_USAGES, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const intermediate = await x509.X509CertificateGenerator.create({
    subject: `CN=certctl dev-server ${label} Intermediate CA, O=certctl dev-server`,
    issuer: root.subjectName,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    serialNumber: randomSerial(),
    notBefore,
    notAfter,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(CA_USAGES, true),
      await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });

  const pkcs8 = await subtle.exportKey("pkcs8", intermediateKeys.privateKey);
  const rsaKeys = new Map<HashName, Promise<CryptoKey>>();
  return {
    family,
    keyAlgorithm: algorithm,
    root,
    intermediate,
    rootPem: root.toString("pem"),
    intermediatePem: intermediate.toString("pem"),
    signingKey(hash) {
      if (family === "EC") return Promise.resolve(intermediateKeys.privateKey);
      // An RSA CryptoKey signs with the hash it was imported with, whatever is asked for.
      let key = rsaKeys.get(hash);
      if (!key) {
        key = subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["sign"]);
        rsaKeys.set(hash, key);
      }
      return key;
    },
  };
}

export interface CertificateAuthorities {
  ec: IssuingCa;
  rsa: IssuingCa;
}

export async function createAuthorities(now = new Date()): Promise<CertificateAuthorities> {
  const [ec, rsa] = await Promise.all([createCaPair("EC", now), createCaPair("RSA", now)]);
  return { ec, rsa };
}
