// The machine identity the dev server knows, and the keys it trusts for each login method: one
// ES256 key pair that signs every JWT a test presents (a Kubernetes service-account token, a GCE
// identity token, an Azure managed-identity token, a GitHub OIDC token…; minted through the
// loopback-only POST /api/v1/dev/jwt), an AWS access key for SigV4, and an LDAP user.
// Random at every start, like the Universal Auth credentials.
import { randomBytes, randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface MachineIdentity {
  identityId: string;
  jwtKeys: { privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };
  /** The issuer every minted JWT carries, and the only one accepted. */
  issuer: string;
  aws: { accessKeyId: string; secretAccessKey: string; sessionToken: string; arn: string };
  ldap: { username: string; password: string };
}

export async function createMachineIdentity(): Promise<MachineIdentity> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return {
    identityId: randomUUID(),
    jwtKeys: { privateKey, publicKey, publicJwk: await exportJWK(publicKey) },
    issuer: "https://certctl-dev-server.invalid",
    aws: {
      accessKeyId: `AKIADEV${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString("base64url"),
      sessionToken: `DevSession${randomBytes(48).toString("base64url")}`,
      arn: "arn:aws:sts::123456789012:assumed-role/certctl-dev/instance",
    },
    ldap: { username: "certctl-dev", password: randomBytes(18).toString("base64url") },
  };
}
