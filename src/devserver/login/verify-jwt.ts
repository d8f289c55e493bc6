// The JWT-based logins (kubernetes, gcp-id-token, gcp-iam, azure, oidc, jwt): the token must be
// signed by the dev server's key, unexpired, from its issuer and for the audience the method
// expects — the identity id, except Azure, whose managed-identity tokens are for the ARM resource.
// Anything else answers 401 UnauthorizedError, as a real server does for a refused credential.
import { errors, jwtVerify } from "jose";
import { unauthorized } from "../http.js";
import type { MachineIdentity } from "./identity.js";

export const AZURE_AUDIENCE = "https://management.azure.com/";

export type JwtMethod = "kubernetes" | "gcp" | "azure" | "oidc" | "jwt";

export function expectedAudience(identity: MachineIdentity, method: JwtMethod): string {
  return method === "azure" ? AZURE_AUDIENCE : identity.identityId;
}

export async function verifyLoginJwt(identity: MachineIdentity, method: JwtMethod, jwt: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(jwt, identity.jwtKeys.publicKey, {
      algorithms: ["ES256"],
      issuer: identity.issuer,
      audience: expectedAudience(identity, method),
    });
    return typeof payload.sub === "string" ? payload.sub : "";
  } catch (error) {
    throw unauthorized(`${method} token refused: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature verification failed";
  if (error instanceof errors.JWTClaimValidationFailed) return `unexpected "${error.claim}" claim value`;
  if (error instanceof errors.JOSEError) return error.code;
  return "invalid token";
}
