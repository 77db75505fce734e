import { assertSafeEndpoint, isLoopbackHost, PddConfigError } from "../../src/client";

describe("isLoopbackHost", () => {
  test.each([
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.0.0.1", true],
    ["127.0.0.5", true],
    ["127.255.255.254", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["128.0.0.1", false],
    ["10.0.0.1", false],
    ["::2", false],
    ["example.com", false],
    ["localhost.example.com", false],
    ["127.0.0.1.nip.io", false],
    ["", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe("assertSafeEndpoint", () => {
  test.each(["http://127.0.0.5:1", "http://localhost:1", "http://[::1]:1", "https://pddimp.yandex.ru"])(
    "accepts %s",
    (endpoint) => {
      expect(assertSafeEndpoint(endpoint)).toBeInstanceOf(URL);
    },
  );

  test("refuses plain http to a remote host and explains the rule", () => {
    let err: unknown;
    try {
      assertSafeEndpoint("http://example.com");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PddConfigError);
    expect(err).toMatchObject({
      code: "invalid_config",
      setting: "endpoint",
      cause: { setting: "endpoint", reason: "insecure_http" },
    });
    const message = (err as Error).message;
    expect(message).toContain("example.com");
    expect(message).toMatch(/loopback/);
    expect(message).toContain("https://");
  });

  test.each([
    ["not a url", "invalid_url"],
    ["ftp://pddimp.yandex.ru", "unsupported_scheme"],
    ["https://pddimp.yandex.ru/?token=1", "query_or_fragment"],
    ["http://10.0.0.1:8080", "insecure_http"],
    ["http://localhost.example.com", "insecure_http"],
  ])("refuses %s (%s)", (endpoint, reason) => {
    expect(() => assertSafeEndpoint(endpoint)).toThrow(PddConfigError);
    try {
      assertSafeEndpoint(endpoint);
    } catch (e) {
      expect((e as PddConfigError).cause).toMatchObject({ reason });
    }
  });

  test("refuses credentials in the URL without repeating them", () => {
    try {
      assertSafeEndpoint("https://admin:hunter2@pddimp.yandex.ru");
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(PddConfigError);
      expect((e as Error).message).not.toContain("hunter2");
      expect(JSON.stringify((e as PddConfigError).cause)).not.toContain("hunter2");
    }
  });
});
