// The request gate: at most `limit` holders, the rest admitted in arrival order as places free up.
import { describe, expect, it } from "vitest";
import { createRequestGate } from "../../src/api/gate.js";

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("createRequestGate", () => {
  it("admits up to the limit at once, then one per place given back, in arrival order", async () => {
    const gate = createRequestGate(2);
    const admitted: string[] = [];
    const take = (name: string) => gate.enter().then((leave) => (admitted.push(name), leave));
    const [a, b] = await Promise.all([take("a"), take("b")]);
    const c = take("c");
    const d = take("d");
    await settled();
    expect(admitted).toEqual(["a", "b"]);
    a();
    a(); // a second leave is a no-op, not a second place
    await settled();
    expect(admitted).toEqual(["a", "b", "c"]);
    b();
    await settled();
    expect(admitted).toEqual(["a", "b", "c", "d"]);
    (await c)();
    (await d)();
    // All places back: two at once again, not more.
    const again = [take("e"), take("f"), take("g")];
    await settled();
    expect(admitted.slice(4)).toEqual(["e", "f"]);
    (await again[0]!)();
    expect(await again[2]).toBeTypeOf("function");
  });

  it("a waiter whose signal fires leaves the line with the signal's reason and takes no place", async () => {
    const gate = createRequestGate(1);
    const leave = await gate.enter();
    const controller = new AbortController();
    const aborted = gate.enter(controller.signal);
    const next = gate.enter();
    controller.abort("stop");
    await expect(aborted).rejects.toBe("stop");
    leave();
    expect(await next).toBeTypeOf("function");
    await expect(gate.enter(controller.signal)).rejects.toBe("stop");
  });
});
