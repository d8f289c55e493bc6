// At most `limit` requests on the wire at once, whatever number of directories a run works on.
// A fleet's directories do their local work (key, CSR, checks, files) beside each other's
// requests; what the server sees, and what --concurrency promises it, is this bound.

export interface RequestGate {
  /** Resolves with the function that gives the place back; rejects with the signal's reason. */
  enter(signal?: AbortSignal): Promise<() => void>;
}

export function createRequestGate(limit: number): RequestGate {
  let inside = 0;
  const waiting: Array<() => void> = [];
  const leave = () => {
    const next = waiting.shift();
    if (next) next(); // the place passes straight to the next in line
    else inside -= 1;
  };
  const once = () => {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
    };
  };
  return {
    enter(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (inside < limit) {
        inside += 1;
        return Promise.resolve(once());
      }
      return new Promise((resolve, reject) => {
        const admit = () => {
          signal?.removeEventListener("abort", abort);
          resolve(once());
        };
        const abort = () => {
          const at = waiting.indexOf(admit);
          if (at >= 0) waiting.splice(at, 1);
          reject(signal?.reason);
        };
        waiting.push(admit);
        signal?.addEventListener("abort", abort, { once: true });
      });
    },
  };
}
