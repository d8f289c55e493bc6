// One module per method, imported only when that method logs in: the cloud libraries (AWS SDK
// credential chain, SigV4, jose) are split into their own chunks, so --help and Universal Auth
// runs never load them.
import type { IdentityMethod, LoginBuilder } from "./methods.js";

const MODULES: Record<IdentityMethod, () => Promise<{ buildLogin: LoginBuilder }>> = {
  kubernetes: () => import("./given.js"),
  jwt: () => import("./given.js"),
  ldap: () => import("./given.js"),
  oidc: () => import("./oidc.js"),
  "aws-iam": () => import("./aws-iam.js"),
  "gcp-id-token": () => import("./gcp-id-token.js"),
  "gcp-iam": () => import("./gcp-iam.js"),
  azure: () => import("./azure.js"),
};

export async function loadLogin(method: IdentityMethod): Promise<LoginBuilder> {
  return (await MODULES[method]()).buildLogin;
}
