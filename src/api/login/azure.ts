// Azure Auth: a managed-identity token for https://management.azure.com/. On App Service and
// Functions the platform sets IDENTITY_ENDPOINT + IDENTITY_HEADER; elsewhere it is the VM's
// IMDS at 169.254.169.254, which AZURE_POD_IDENTITY_AUTHORITY_HOST (Azure's own SDK variable)
// points elsewhere. Two GETs: the Azure identity SDK would be megabytes for them.
import { callService, parseJsonField } from "./fetch-json.js";
import { jwtBody } from "./given.js";
import type { LoginBuilder } from "./methods.js";

const RESOURCE = "https://management.azure.com/";

export const buildLogin: LoginBuilder = async (ctx) => {
  const endpoint = ctx.env.IDENTITY_ENDPOINT;
  const header = ctx.env.IDENTITY_HEADER;
  let text: string;
  if (endpoint && header) {
    const url = new URL(endpoint);
    url.searchParams.set("api-version", "2019-08-01");
    url.searchParams.set("resource", RESOURCE);
    text = await callService(ctx, {
      service: "the App Service identity endpoint", url: url.href, headers: { "x-identity-header": header }, override: "IDENTITY_ENDPOINT",
    });
  } else {
    const base = (ctx.env.AZURE_POD_IDENTITY_AUTHORITY_HOST || "http://169.254.169.254").replace(/\/+$/, "");
    const url = new URL(`${base}/metadata/identity/oauth2/token`);
    url.searchParams.set("api-version", "2018-02-01");
    url.searchParams.set("resource", RESOURCE);
    text = await callService(ctx, {
      service: "the Azure instance metadata service", url: url.href, headers: { metadata: "true" }, override: "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    });
  }
  const jwt = parseJsonField(ctx, "the Azure identity endpoint", text, "access_token");
  return {
    path: "/v1/auth/azure-auth/login",
    body: jwtBody(ctx.login, jwt),
    secrets: [jwt, ...(header ? [header] : [])],
  };
};
