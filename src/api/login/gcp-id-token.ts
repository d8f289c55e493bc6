// GCP ID Token Auth: the GCE metadata server's identity token for audience = the identity id
// (format=full, so it carries the instance's project and zone). GCE_METADATA_HOST points it
// elsewhere, as in Google's own clients. One GET: the gcp-metadata package would add gaxios and
// its dependencies for it (see the README's auth section for the numbers).
import { callService } from "./fetch-json.js";
import { jwtBody } from "./given.js";
import { AuthError } from "../../model/errors.js";
import type { LoginBuilder } from "./methods.js";

export const buildLogin: LoginBuilder = async (ctx) => {
  const host = ctx.env.GCE_METADATA_HOST || ctx.env.GCE_METADATA_IP || "metadata.google.internal";
  const url = new URL(`http://${host}/computeMetadata/v1/instance/service-accounts/default/identity`);
  url.searchParams.set("audience", ctx.login.identityId);
  url.searchParams.set("format", "full");
  const jwt = (await callService(ctx, {
    service: "the GCE metadata server",
    url: url.href,
    headers: { "metadata-flavor": "Google" },
    override: "GCE_METADATA_HOST",
  })).trim();
  if (jwt.split(".").length !== 3) throw new AuthError("GCP ID Token Auth: the GCE metadata server answered something that is not a JWT");
  return { path: "/v1/auth/gcp-auth/login", body: jwtBody(ctx.login, jwt), secrets: [jwt] };
};
