import {
  absoluteHostName,
  canonicalIPv6,
  canonicalName,
  fqdnOf,
  isValidDomain,
  isValidHostName,
  normalizeSubdomain,
} from "../../src/runtime/names";

const label63 = (c: string) => c.repeat(63);

describe("canonicalName", () => {
  it.each([
    ["example.com", "example.com"],
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["  WWW.Example.Com.  ", "www.example.com"],
    ["_DMARC.Example.com", "_dmarc.example.com"],
    ["*.Dev.Example.com.", "*.dev.example.com"],
    ["@", "@"],
    [".", ""],
    ["", ""],
  ])("%j → %j", (name, expected) => {
    expect(canonicalName(name)).toBe(expected);
  });

  it("strips one trailing dot only", () => {
    expect(canonicalName("example.com..")).toBe("example.com.");
  });

  it("is idempotent", () => {
    for (const name of ["Example.COM.", " a.B.c ", "*.X.y."]) {
      expect(canonicalName(canonicalName(name))).toBe(canonicalName(name));
    }
  });
});

describe("isValidDomain", () => {
  it.each([
    "example.com",
    "EXAMPLE.COM.",
    " example.com ",
    "sub.example.co.uk",
    "xn--e1afmkfd.xn--p1ai",
    "a1.b2",
    "my-shop.example",
    `${label63("a")}.com`,
  ])("accepts %j", (domain) => {
    expect(isValidDomain(domain)).toBe(true);
  });

  it.each([
    ["", "empty"],
    ["localhost", "a single label"],
    ["example", "a single label"],
    ["example..com", "an empty label"],
    [".example.com", "an empty first label"],
    ["-shop.example.com", "a leading hyphen"],
    ["shop-.example.com", "a trailing hyphen"],
    ["my_shop.example.com", "an underscore"],
    ["*.example.com", "a wildcard"],
    ["exa mple.com", "a space"],
    ["example.123", "an all-digit top-level label"],
    ["192.0.2.1", "an IPv4 address"],
    [`${"a".repeat(64)}.com`, "a 64-character label"],
  ])("refuses %j (%s)", (domain) => {
    expect(isValidDomain(domain)).toBe(false);
  });

  it("allows 253 characters in all, not 254", () => {
    // 63 + 1 + 63 + 1 + 63 + 1 + 57 + 4 (".com") = 253
    const at253 = `${label63("a")}.${label63("b")}.${label63("c")}.${"d".repeat(57)}.com`;
    expect(at253).toHaveLength(253);
    expect(isValidDomain(at253)).toBe(true);
    expect(isValidDomain(`d${at253}`)).toBe(false);
    // A trailing dot does not count.
    expect(isValidDomain(`${at253}.`)).toBe(true);
  });
});

describe("isValidHostName", () => {
  it.each([
    "mx.yandex.net",
    "mx.yandex.net.",
    "MX.Yandex.NET",
    "localhost",
    "_sip._tcp.example.com",
    "host_1.example.com",
    "123.example.com",
    "a.b",
  ])("accepts %j", (host) => {
    expect(isValidHostName(host)).toBe(true);
  });

  it.each([
    ["", "empty"],
    [".", "the root alone"],
    ["*.example.com", "a wildcard"],
    ["203.0.113.10", "an IPv4 address"],
    ["203.0.113.10.", "an IPv4 address with a dot"],
    ["2001:db8::1", "an IPv6 address"],
    ["mx..example.com", "an empty label"],
    ["-mx.example.com", "a leading hyphen"],
    ["mx-.example.com", "a trailing hyphen"],
    ["mx example.com", "a space"],
    ["mx.example.com/25", "a slash"],
    [`${"a".repeat(64)}.example.com`, "a 64-character label"],
  ])("refuses %j (%s)", (host) => {
    expect(isValidHostName(host)).toBe(false);
  });

  it("limits the whole name to 253 characters", () => {
    const at253 = `${label63("a")}.${label63("b")}.${label63("c")}.${"d".repeat(61)}`;
    expect(at253).toHaveLength(253);
    expect(isValidHostName(at253)).toBe(true);
    expect(isValidHostName(`x${at253}`)).toBe(false);
  });
});

describe("absoluteHostName", () => {
  it.each([
    ["mx.yandex.net", "mx.yandex.net."],
    ["mx.yandex.net.", "mx.yandex.net."],
    [" MX.Yandex.NET ", "mx.yandex.net."],
    ["localhost", "localhost."],
  ])("%j → %j", (host, expected) => {
    expect(absoluteHostName(host)).toBe(expected);
  });

  it("is idempotent", () => {
    expect(absoluteHostName(absoluteHostName("Docs.Example.NET"))).toBe("docs.example.net.");
  });
});

describe("canonicalIPv6 (RFC 5952)", () => {
  it.each([
    // 4.1: no leading zeros; 4.3: lower case
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:DB8::ABCD", "2001:db8::abcd"],
    // 4.2.1: "::" shortens as much as possible
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
    ["2001:db8::0:1", "2001:db8::1"],
    // 4.2.2: a single zero group is not compressed
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    // 4.2.3: the longest run is compressed; on a tie, the first
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["1:0:0:2:0:0:3:4", "1::2:0:0:3:4"],
    // edges
    ["0:0:0:0:0:0:0:0", "::"],
    ["::", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["fe80:0000:0000:0000:0204:61ff:fe9d:f156", "fe80::204:61ff:fe9d:f156"],
    ["  2001:db8::1  ", "2001:db8::1"],
  ])("%j → %j", (address, expected) => {
    expect(canonicalIPv6(address)).toBe(expected);
  });

  it("writes an embedded IPv4 address in hexadecimal (WHATWG form, not RFC 5952 section 5's mixed form)", () => {
    // RFC 5952 section 5 recommends ::ffff:192.0.2.1 for IPv4-mapped addresses; the URL parser
    // serializes every address in hexadecimal. Both spellings of one address compare equal.
    expect(canonicalIPv6("::ffff:192.0.2.1")).toBe("::ffff:c000:201");
    expect(canonicalIPv6("::FFFF:C000:0201")).toBe("::ffff:c000:201");
    expect(canonicalIPv6("64:ff9b::192.0.2.33")).toBe("64:ff9b::c000:221");
    expect(canonicalIPv6("::192.0.2.1")).toBe("::c000:201");
  });

  it("maps every spelling of one address to one text", () => {
    const spellings = [
      "2001:db8:0:0:1:0:0:1",
      "2001:0db8:0000:0000:0001:0000:0000:0001",
      "2001:db8::1:0:0:1",
      "2001:DB8:0:0:1::1",
      "2001:db8:0:0:1:0:0.0.0.1",
    ];
    expect(new Set(spellings.map(canonicalIPv6))).toEqual(new Set(["2001:db8::1:0:0:1"]));
  });

  it.each(["203.0.113.10", "2001:db8::1::2", "2001:db8::g", "fe80::1%eth0", "", "example.com"])(
    "throws on %j, which is not a bare IPv6 address",
    (address) => {
      expect(() => canonicalIPv6(address)).toThrow();
    },
  );
});

describe("normalizeSubdomain", () => {
  const ok = (value: string) => ({ ok: true, value });

  it.each([
    // apex forms
    ["@", "@"],
    ["", "@"],
    ["  ", "@"],
    ["example.com", "@"],
    ["EXAMPLE.COM", "@"],
    ["example.com.", "@"],
    // relative names, any letter case
    ["www", "www"],
    ["WWW", "www"],
    [" www ", "www"],
    ["a.b.c", "a.b.c"],
    // inside the zone, with or without a trailing dot
    ["www.example.com", "www"],
    ["Www.Example.Com.", "www"],
    ["a.b.example.com.", "a.b"],
    // wildcard and service names
    ["*", "*"],
    ["*.dev", "*.dev"],
    ["*.Dev.Example.com.", "*.dev"],
    ["_dmarc", "_dmarc"],
    ["_acme-challenge.www.example.com.", "_acme-challenge.www"],
    ["_sip._tcp", "_sip._tcp"],
    ["host_", "host_"],
    // a relative name is relative even when it looks like another domain
    ["www.example.org", "www.example.org"],
    ["notexample.com", "notexample.com"],
  ])("%j in example.com → %j", (subdomain, expected) => {
    expect(normalizeSubdomain(subdomain, "example.com")).toEqual(ok(expected));
  });

  it("takes the zone in any spelling", () => {
    expect(normalizeSubdomain("www.example.com.", " Example.COM. ")).toEqual(ok("www"));
    expect(normalizeSubdomain("EXAMPLE.com", "example.COM.")).toEqual(ok("@"));
  });

  it.each(["www.example.org.", "notexample.com.", "example.com.au.", "com."])(
    "refuses the fully qualified name %j outside the zone",
    (subdomain) => {
      const result = normalizeSubdomain(subdomain, "example.com");
      expect(result).toEqual({
        ok: false,
        reason: `"${subdomain}" is a fully qualified name outside the domain "example.com"`,
      });
    },
  );

  it.each([
    ["www..x", "an empty label"],
    [".www", "an empty first label"],
    ["-www", "a leading hyphen"],
    ["www-", "a trailing hyphen"],
    ["w w", "a space"],
    ["a*", "a star inside a label"],
    ["**", "two stars"],
    ["www/1", "a slash"],
    ["a".repeat(64), "a 64-character label"],
  ])("refuses %j (%s)", (subdomain) => {
    const result = normalizeSubdomain(subdomain, "example.com");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toMatch(/is not a valid record name: use "@"/);
  });

  it("accepts a 63-character label", () => {
    expect(normalizeSubdomain("a".repeat(63), "example.com")).toEqual(ok("a".repeat(63)));
  });

  it("allows a full name of 253 characters, not 254", () => {
    // 63 + 1 + 63 + 1 + 63 + 1 + 49 = 241, plus ".example.com" (12) = 253
    const relative = `${label63("a")}.${label63("b")}.${label63("c")}.${"d".repeat(49)}`;
    expect(`${relative}.example.com`).toHaveLength(253);
    expect(normalizeSubdomain(relative, "example.com")).toEqual(ok(relative));
    expect(normalizeSubdomain(`${relative}.example.com.`, "example.com")).toEqual(ok(relative));
    const tooLong = `d${relative}`;
    expect(normalizeSubdomain(tooLong, "example.com")).toEqual({
      ok: false,
      reason: `"${tooLong}" makes a name longer than 253 characters`,
    });
  });

  it("round-trips through fqdnOf", () => {
    for (const sub of ["@", "www", "*.dev", "_sip._tcp", "a.b.c"]) {
      const result = normalizeSubdomain(fqdnOf(sub, "example.com"), "example.com");
      expect(result).toEqual(ok(sub));
    }
  });
});

describe("fqdnOf", () => {
  it.each([
    ["@", "example.com", "example.com"],
    ["@", "Example.COM.", "example.com"],
    ["www", "example.com", "www.example.com"],
    ["www", "EXAMPLE.com.", "www.example.com"],
    ["*.dev", "example.com", "*.dev.example.com"],
    ["_acme-challenge.www", "example.com", "_acme-challenge.www.example.com"],
  ])("(%j, %j) → %j", (subdomain, domain, expected) => {
    expect(fqdnOf(subdomain, domain)).toBe(expected);
  });
});
