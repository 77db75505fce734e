import { checkDnsRecord, diffDnsRecord } from "../../src/runtime/dnsRecordModel";
import { UNKNOWN } from "../../src/runtime/values";

const base = { domain: "Example.COM.", type: "A", subdomain: "www", content: "203.0.113.10" };

function inputs(news: Record<string, unknown>) {
  const { inputs, failures } = checkDnsRecord(news);
  expect(failures).toEqual([]);
  return inputs;
}

function failuresOf(news: Record<string, unknown>) {
  return checkDnsRecord(news).failures.map((f) => f.property);
}

describe("checkDnsRecord normalization", () => {
  it("lower-cases the domain, strips its dot and fills defaults", () => {
    expect(inputs(base)).toEqual({
      domain: "example.com",
      type: "A",
      subdomain: "www",
      content: "203.0.113.10",
      ttl: 21600,
      adoptExisting: false,
    });
  });

  it.each([
    ["@", "@"],
    ["example.com", "@"],
    ["EXAMPLE.com.", "@"],
    ["WWW", "www"],
    ["www.example.com", "www"],
    ["Www.Example.Com.", "www"],
    ["_acme-challenge.www.example.com.", "_acme-challenge.www"],
    ["*.dev", "*.dev"],
  ])("subdomain %s → %s", (subdomain, expected) => {
    expect(inputs({ ...base, subdomain }).subdomain).toBe(expected);
  });

  it("defaults subdomain to the apex", () => {
    expect(inputs({ domain: "example.com", type: "TXT", content: "v=spf1 -all" }).subdomain).toBe("@");
  });

  it("writes host names absolute and lower-case, IPv6 in RFC 5952 form", () => {
    expect(inputs({ ...base, type: "CNAME", content: "Docs.Example.NET" }).content).toBe("docs.example.net.");
    expect(
      inputs({ ...base, type: "AAAA", content: "2001:0DB8:0000:0000:0000:0000:0000:0001" }).content,
    ).toBe("2001:db8::1");
    expect(inputs({ ...base, type: "MX", content: "mx.yandex.net." })).toMatchObject({
      content: "mx.yandex.net.",
      priority: 10,
    });
  });

  it("passes unknown preview values through without failing", () => {
    expect(inputs({ ...base, content: UNKNOWN }).content).toBe(UNKNOWN);
  });
});

describe("checkDnsRecord failures name the property", () => {
  it.each([
    [{ ...base, domain: "not a domain" }, ["domain"]],
    [{ ...base, domain: undefined }, ["domain"]],
    [{ ...base, type: "PTR" }, ["type"]],
    [{ ...base, content: "300.1.1.1" }, ["content"]],
    [{ ...base, type: "AAAA", content: "203.0.113.10" }, ["content"]],
    [{ ...base, type: "CNAME", content: "not a host" }, ["content"]],
    [{ ...base, ttl: 0 }, ["ttl"]],
    [{ ...base, ttl: 1209601 }, ["ttl"]],
    [{ ...base, ttl: 1.5 }, ["ttl"]],
    [{ ...base, subdomain: "www.other.org." }, ["subdomain"]],
    [{ ...base, subdomain: "bad name" }, ["subdomain"]],
    [{ ...base, priority: 5 }, ["priority"]],
    [{ ...base, type: "MX", content: "mx.example.net", priority: 70000 }, ["priority"]],
    [{ domain: "example.com", type: "SRV", subdomain: "_sip._tcp" }, ["weight", "port", "target"]],
    [{ domain: "example.com", type: "SRV", target: "sip.example.com", weight: 1, port: 0 }, ["port"]],
    [{ domain: "example.com", type: "SOA", content: "dns1.yandex.net" }, ["adminMail"]],
    [{ ...base, adoptExisting: "yes" }, ["adoptExisting"]],
  ])("%j fails on %j", (news, properties) => {
    expect(failuresOf(news)).toEqual(properties);
  });
});

describe("diffDnsRecord", () => {
  const old = { ...inputs(base), recordId: 42, fqdn: "www.example.com" };

  it("sees no change in spelling-only differences", () => {
    for (const variant of [
      { ...base, subdomain: "WWW.example.com." },
      { ...base, domain: "EXAMPLE.com" },
      { ...base, adoptExisting: true },
    ]) {
      expect(diffDnsRecord(old, inputs(variant)).changes).toBe(false);
    }
    const aaaa = { ...inputs({ ...base, type: "AAAA", content: "2001:db8::1" }), recordId: 1 };
    expect(diffDnsRecord(aaaa, inputs({ ...base, type: "AAAA", content: "2001:DB8:0:0::1" })).changes).toBe(
      false,
    );
    const mx = { ...inputs({ ...base, type: "MX", content: "mx.yandex.net" }), priority: 10 };
    expect(
      diffDnsRecord({ ...mx, priority: "10" }, inputs({ ...base, type: "MX", content: "MX.yandex.net." }))
        .changes,
    ).toBe(false);
    const txt = { ...inputs({ ...base, type: "TXT", content: "x" }), priority: "" };
    expect(diffDnsRecord(txt, inputs({ ...base, type: "TXT", content: "x" })).changes).toBe(false);
  });

  it("updates in place for content, ttl and name changes", () => {
    const result = diffDnsRecord(
      old,
      inputs({ ...base, content: "203.0.113.11", ttl: 60, subdomain: "web" }),
    );
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces for domain or type changes", () => {
    expect(diffDnsRecord(old, inputs({ ...base, type: "TXT", content: "hello" })).replaces).toEqual(["type"]);
    expect(diffDnsRecord(old, inputs({ ...base, domain: "example.org" })).replaces).toEqual(["domain"]);
  });

  it("treats an unknown value as a change", () => {
    expect(diffDnsRecord(old, { ...inputs(base), content: UNKNOWN }).changes).toBe(true);
  });
});
