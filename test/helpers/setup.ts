// @peculiar/x509 needs a Reflect metadata polyfill loaded before it (tsyringe).
import "reflect-metadata";
import { Agent, setGlobalDispatcher } from "undici";

// The tests' own fetch calls (to dev servers and proxies) open a connection per request. With
// keep-alive, a worker whose event loop was blocked (execFileSync openssl on a loaded machine)
// reused a socket the server had already closed after its 5 s idle timeout: "fetch failed …
// other side closed". certctl's own client is unaffected (it makes its own Agent).
setGlobalDispatcher(new Agent({ pipelining: 0 }));
