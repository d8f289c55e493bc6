// The one sleep: a timer that ends early when the signal fires. It rejects with the signal's
// reason (certctl aborts with { signal: "SIGINT" | "SIGTERM" }), so a caller decides what an
// interruption means; `.catch(() => {})` turns it into "stop waiting".

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
