// The part of undici certctl uses: the proxy-aware agent and its request()/connect() methods.
// undici's index.js also loads fetch, cookies, WebSocket, caching and mocks — about 100 ms of
// CPU at every start of a command that talks to the server (measured: `require("undici")`
// 0.27 s against 0.17 s for these modules, bare node 0.12 s). This file does what index.js
// does for the agents (the request API is mixed into Dispatcher's prototype there, and
// ProxyAgent's CONNECT tunnel relies on it), for the modules we load and no others.
import type { EnvHttpProxyAgent as Agent } from "undici";
import EnvHttpProxyAgentClass from "undici/lib/dispatcher/env-http-proxy-agent.js";
import Dispatcher from "undici/lib/dispatcher/dispatcher.js";
import api from "undici/lib/api/index.js";

Object.assign(Dispatcher.prototype, api);

export const EnvHttpProxyAgent = EnvHttpProxyAgentClass;
export type EnvHttpProxyAgent = Agent;
