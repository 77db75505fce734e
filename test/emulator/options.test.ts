import { startEmulator } from "../../src/emulator";
import { call } from "./apiClient";

describe("options", () => {
  test("invalid options are refused with a message naming the option", async () => {
    await expect(startEmulator({ port: 70000 })).rejects.toThrow(/port/);
    await expect(startEmulator({ token: "" })).rejects.toThrow(/token/);
    await expect(startEmulator({ latencyMs: -5 })).rejects.toThrow(/latencyMs/);
    await expect(startEmulator({ domains: ["not a domain"] })).rejects.toThrow(/not a valid domain/);
    await expect(startEmulator({ mailCheckTimeoutMs: 0 })).rejects.toThrow(/mailCheckTimeoutMs/);
  });

  test("a custom token and host are honoured; url points at the bound port", async () => {
    const emu = await startEmulator({ token: "s3cret", host: "127.0.0.1", domains: ["a.test"] });
    try {
      expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await call(emu, "dns/list", { domain: "a.test" }, { token: "s3cret" })).success).toBe("ok");
      expect((await call(emu, "dns/list", { domain: "a.test" })).error).toBe("bad_token");
    } finally {
      await emu.close();
    }
  });

  test("defaults: example.com with the five default records", async () => {
    const emu = await startEmulator();
    try {
      expect(emu.domains()).toEqual(["example.com"]);
      expect(emu.records("example.com").map((record) => record.type)).toEqual([
        "MX",
        "NS",
        "NS",
        "SOA",
        "TXT",
      ]);
      const bare = await startEmulator({ seedDefaultRecords: false });
      try {
        expect(bare.records("example.com")).toEqual([]);
      } finally {
        await bare.close();
      }
    } finally {
      await emu.close();
    }
  });
});
