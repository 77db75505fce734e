import type { CheckFailure } from "../../src/runtime/values";
import { UNKNOWN, checkInteger, isUnknown, plain, toInteger } from "../../src/runtime/values";

describe("toInteger", () => {
  it.each([
    [undefined, undefined],
    [null, undefined],
    ["", undefined],
  ])("%j is absent", (value, expected) => {
    expect(toInteger(value)).toBe(expected);
  });

  it.each([
    [0, 0],
    [42, 42],
    [-7, -7],
    [2147483647, 2147483647],
    // strings, as YAML programs and config send them
    ["0", 0],
    ["42", 42],
    ["-7", -7],
    [" 3600 ", 3600],
    ["007", 7],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ])("%j → %j", (value, expected) => {
    expect(toInteger(value)).toBe(expected);
  });

  it.each([
    1.5,
    -0.1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    "1.5",
    "4.0",
    "1e3",
    "0x10",
    "+3",
    "12abc",
    "abc",
    "1 000",
    "   ",
    "-",
    true,
    false,
    {},
    [],
    [1],
  ])("%j is garbage (NaN)", (value) => {
    expect(toInteger(value)).toBeNaN();
  });

  it("keeps a float that happens to be whole", () => {
    expect(toInteger(4.0)).toBe(4);
  });
});

describe("checkInteger", () => {
  function run(value: unknown, min = 1, max = 100) {
    const failures: CheckFailure[] = [];
    const result = checkInteger(failures, "ttl", value, min, max);
    return { result, failures };
  }

  it.each([
    [1, 1],
    [100, 100],
    [50, 50],
    ["1", 1],
    ["100", 100],
    [" 50 ", 50],
  ])("accepts %j inside [1, 100] as %j", (value, expected) => {
    expect(run(value)).toEqual({ result: expected, failures: [] });
  });

  it.each([undefined, null, ""])("returns undefined for absent %j without a failure", (value) => {
    expect(run(value)).toEqual({ result: undefined, failures: [] });
  });

  it("passes the unknown preview value through", () => {
    expect(run(UNKNOWN)).toEqual({ result: UNKNOWN, failures: [] });
  });

  it.each([
    [0, "0"],
    [101, "101"],
    [-1, "-1"],
    ["0", '"0"'],
    ["101", '"101"'],
    [1.5, "1.5"],
    ["1.5", '"1.5"'],
    ["ten", '"ten"'],
    [true, "true"],
    ["   ", '"   "'],
  ])("refuses %j, naming the property, the range and the value", (value, shown) => {
    const { result, failures } = run(value);
    expect(result).toBeUndefined();
    expect(failures).toEqual([
      { property: "ttl", reason: `ttl must be a whole number from 1 to 100, got ${shown}` },
    ]);
  });

  it("includes both bounds", () => {
    expect(run(0, 0, 0)).toEqual({ result: 0, failures: [] });
    expect(run(-5, -5, 5).result).toBe(-5);
    expect(run(5, -5, 5).result).toBe(5);
    expect(run(6, -5, 5).failures).toHaveLength(1);
  });

  it("appends to the failures already collected", () => {
    const failures: CheckFailure[] = [{ property: "domain", reason: "earlier" }];
    checkInteger(failures, "port", "0", 1, 65535);
    checkInteger(failures, "weight", "x", 0, 65535);
    checkInteger(failures, "priority", 5, 0, 65535);
    expect(failures.map((f) => f.property)).toEqual(["domain", "port", "weight"]);
  });
});

describe("isUnknown", () => {
  it("is true for the engine's placeholder only", () => {
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown(UNKNOWN.toUpperCase())).toBe(false);
    expect(isUnknown(undefined)).toBe(false);
    expect(isUnknown("")).toBe(false);
  });
});

describe("plain", () => {
  it("drops undefined members and keeps every other falsy value", () => {
    const value = { a: undefined, b: null, c: 0, d: "", e: false, f: Number.NaN, g: "x" };
    expect(Object.keys(plain(value))).toEqual(["b", "c", "d", "e", "f", "g"]);
    expect(plain(value)).toEqual({ b: null, c: 0, d: "", e: false, f: Number.NaN, g: "x" });
  });

  it("returns a new object and leaves its argument alone", () => {
    const value = { a: 1, b: undefined };
    const result = plain(value);
    expect(result).not.toBe(value);
    expect("b" in value).toBe(true);
    expect("b" in result).toBe(false);
  });

  it("does not reach into nested objects", () => {
    const nested = { x: undefined };
    const result = plain({ nested });
    expect(result.nested).toBe(nested);
    expect("x" in result.nested).toBe(true);
  });

  it("survives a JSON round trip unchanged (what the engine stores)", () => {
    const result = plain({ domain: "example.com", ttl: 300, priority: undefined, content: "" });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(Object.keys(result)).toEqual(["domain", "ttl", "content"]);
  });
});
