// The lookups the Infisical agent's config file needs (infisical-api.md, "The official agent's
// config file"): a project by slug (v1 `project-slug`) and an application by name with its
// profiles (v2 `application-name`). The dev server has one project and one application, which
// may use every profile.
import { randomUUID } from "node:crypto";
import { notFound, requireUuid } from "./http.js";
import { route, type Route } from "./router.js";
import type { ServerState } from "./state.js";

/** The dev server's project slug and application name (printed by `dev-server --help`'s examples). */
export const DEV_PROJECT_SLUG = "certctl-dev";
export const DEV_APPLICATION_NAME = "certctl-dev";

const applications = new WeakMap<ServerState, string>();

function applicationId(state: ServerState): string {
  let id = applications.get(state);
  if (id === undefined) applications.set(state, (id = randomUUID()));
  return id;
}

export const projectRoutes: Route[] = [
  route("GET", "/v1/projects/slug/:slug", true, async (ctx) => {
    if (ctx.params[0] !== DEV_PROJECT_SLUG) throw notFound(`Project with slug '${ctx.params[0] ?? ""}' not found`);
    const id = ctx.state.credentials.projectId;
    return { status: 200, json: { id, slug: DEV_PROJECT_SLUG, name: "certctl dev-server", type: "cert-manager" } };
  }),
  route("GET", "/v1/cert-manager/applications/by-name/:name", true, async (ctx) => {
    if (ctx.params[0] !== DEV_APPLICATION_NAME) throw notFound(`Application with name '${ctx.params[0] ?? ""}' not found`);
    return { status: 200, json: { application: { id: applicationId(ctx.state), name: DEV_APPLICATION_NAME, projectId: ctx.state.credentials.projectId } } };
  }),
  route("GET", "/v1/cert-manager/applications/:id/profiles", true, async (ctx) => {
    if (requireUuid(ctx.params[0] ?? "", "applicationId") !== applicationId(ctx.state)) throw notFound("Application not found");
    return { status: 200, json: { profiles: ctx.state.profiles.map((p) => ({ id: p.id, slug: p.slug, projectId: ctx.state.credentials.projectId })) } };
  }),
];
