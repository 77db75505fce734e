import { PddClient, PddConfigError } from "../../src/client";

describe("PddClient construction", () => {
  test("http://example.com is refused by the constructor", () => {
    expect(() => new PddClient({ token: "abc", endpoint: "http://example.com" })).toThrow(PddConfigError);
  });

  test.each([
    ["http://127.0.0.5:1", "http://127.0.0.5:1"],
    ["http://localhost:1/", "http://localhost:1"],
    ["http://[::1]:1", "http://[::1]:1"],
    ["https://pddimp.yandex.ru", "https://pddimp.yandex.ru"],
    ["https://pdd.example.net/proxy/", "https://pdd.example.net/proxy"],
  ])("accepts %s (endpoint %s)", async (endpoint, normalized) => {
    const client = new PddClient({ token: "abc", endpoint });
    expect(client.endpoint).toBe(normalized);
    await client.close();
  });

  test("defaults to the live service's endpoint", async () => {
    const client = new PddClient({ token: "abc" });
    expect(client.endpoint).toBe("https://pddimp.yandex.ru");
    await client.close();
  });

  test("a missing or malformed token is a config error that tells how to set it", () => {
    const missing = (() => {
      try {
        new PddClient({ token: "" });
      } catch (e) {
        return e as PddConfigError;
      }
      throw new Error("accepted an empty token");
    })();
    expect(missing).toBeInstanceOf(PddConfigError);
    expect(missing.message).toContain("pulumi config set --secret pdd:token");
    expect(missing.message).toContain("PDD_TOKEN");
    expect(() => new PddClient({ token: "abc\r\nX-Evil: 1" })).toThrow(PddConfigError);
    expect(() => new PddClient({ token: " padded " })).toThrow(/whitespace/);
    try {
      new PddClient({ token: "abc\ndef" });
    } catch (e) {
      expect((e as Error).message).not.toContain("abc");
    }
  });

  test("timeouts must be positive integers", () => {
    expect(() => new PddClient({ token: "abc", requestTimeoutMs: 0 })).toThrow(PddConfigError);
    expect(() => new PddClient({ token: "abc", connectTimeoutMs: -1 })).toThrow(PddConfigError);
  });
});
