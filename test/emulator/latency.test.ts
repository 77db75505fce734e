import { startEmulator } from "../../src/emulator";
import { call } from "./apiClient";

const DOMAIN = "example.com";

describe("latency", () => {
  test("every answer is delayed by ~latencyMs, concurrently rather than one after another", async () => {
    const emu = await startEmulator({ domains: [DOMAIN], latencyMs: 300 });
    try {
      const started = Date.now();
      const timings = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const t0 = Date.now();
          const answer = await call(emu, "dns/list", { domain: DOMAIN });
          expect(answer.success).toBe("ok");
          return Date.now() - t0;
        }),
      );
      const total = Date.now() - started;
      for (const ms of timings) expect(ms).toBeGreaterThanOrEqual(290);
      expect(total).toBeLessThan(1500); // 12 × 300 ms serialised would be 3.6 s
      expect(emu.stats().maxInFlight).toBeGreaterThanOrEqual(10);

      emu.setLatency(0);
      const t0 = Date.now();
      await call(emu, "dns/list", { domain: DOMAIN });
      expect(Date.now() - t0).toBeLessThan(250);
      expect(() => emu.setLatency(-1)).toThrow(/latency/);
    } finally {
      await emu.close();
    }
  });
});
