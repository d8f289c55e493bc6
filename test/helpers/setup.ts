// @peculiar/x509 needs a Reflect metadata polyfill loaded before it (tsyringe).
import "reflect-metadata";
import { Agent, setGlobalDispatcher } from "undici";
import { pollTiming } from "../../src/core/request/wait.js";

// The tests' own fetch calls (to dev servers and proxies) open a connection per request. With
// keep-alive, a worker whose event loop was blocked (execFileSync openssl on a loaded machine)
// reused a socket the server had already closed after its 5 s idle timeout: "fetch failed …
// other side closed". certctl's own client is unaffected (it makes its own Agent).
setGlobalDispatcher(new Agent({ pipelining: 0 }));

// certctl run in-process (run-main.ts) polls a pending request after 0.1 s, not 2 s: the dev
// servers these tests start (local-devserver.ts) approve, reject or issue within a fraction of a
// second. A spawned certctl keeps the shipped 2 s.
pollTiming.initialMs = 100;
