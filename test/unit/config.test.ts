import { PddConfigError } from "../../src/client/errors";
import { DEFAULT_ENDPOINTS, resolvePublicSettings, resolveSettings } from "../../src/config";

const source = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("settings", () => {
  it("defaults to PDD and its endpoint", () => {
    expect(resolvePublicSettings(source({}), {})).toEqual({
      api: "pdd",
      endpoint: DEFAULT_ENDPOINTS.pdd,
      operationTimeoutMs: 300_000,
    });
  });

  it("chooses Yandex 360 when an org id is configured, with its own default endpoint", () => {
    expect(resolvePublicSettings(source({ "pdd:orgId": "1234567" }), {})).toEqual({
      api: "yandex360",
      orgId: 1234567,
      endpoint: "https://api360.yandex.net",
      operationTimeoutMs: 300_000,
    });
    expect(resolvePublicSettings(undefined, { YANDEX360_ORG_ID: "42" }).api).toBe("yandex360");
  });

  it("lets an explicit pdd:api win over the org id", () => {
    const settings = resolvePublicSettings(source({ "pdd:api": "pdd", "pdd:orgId": "42" }), {});
    expect(settings).toEqual({ api: "pdd", endpoint: DEFAULT_ENDPOINTS.pdd, operationTimeoutMs: 300_000 });
    expect(resolvePublicSettings(source({ "pdd:api": "Yandex360" }), {})).toEqual({
      api: "yandex360",
      endpoint: DEFAULT_ENDPOINTS.yandex360,
      operationTimeoutMs: 300_000,
    });
  });

  it.each([
    [{ "pdd:api": "y360" }, "pdd:api"],
    [{ "pdd:orgId": "acme" }, "pdd:orgId"],
    [{ "pdd:orgId": "-3" }, "pdd:orgId"],
    [{ "pdd:requestTimeoutMs": "abc" }, "pdd:requestTimeoutMs"],
    [{ "pdd:operationTimeoutMs": "1.5" }, "pdd:operationTimeoutMs"],
    [{ "pdd:operationTimeoutMs": "0" }, "pdd:operationTimeoutMs"],
    [{ "pdd:endpoint": "http://pdd.example.com" }, "pdd:endpoint"],
  ])("refuses %j, naming the setting", (values, setting) => {
    const failure = (() => {
      try {
        resolvePublicSettings(source(values), {});
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(PddConfigError);
    expect((failure as Error).message).toContain(setting);
    expect((failure as PddConfigError).setting).toBe(setting);
    expect((failure as PddConfigError).cause).toEqual(expect.objectContaining({ setting }));
  });

  it("takes the token from pdd:token, then PDD_TOKEN, then (Yandex 360 only) YANDEX360_OAUTH_TOKEN", () => {
    const env = { PDD_TOKEN: "from-pdd-env", YANDEX360_OAUTH_TOKEN: "from-lego-env", YANDEX360_ORG_ID: "1" };
    expect(resolveSettings(source({ "pdd:token": "from-config" }), env).token).toBe("from-config");
    expect(resolveSettings(undefined, env).token).toBe("from-pdd-env");
    expect(resolveSettings(undefined, { ...env, PDD_TOKEN: "" }).token).toBe("from-lego-env");
    expect(() => resolveSettings(undefined, { YANDEX360_OAUTH_TOKEN: "lego" })).toThrow(/No PDD token/);
    expect(() => resolveSettings(source({ "pdd:api": "yandex360" }), {})).toThrow(/YANDEX360_OAUTH_TOKEN/);
  });
});
