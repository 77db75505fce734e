import { BACKEND_TRAITS } from "../../src/backends/traits";
import { checkDnsRecord, diffDnsRecord } from "../../src/runtime/dnsRecordModel";
import { canonicalName } from "../../src/runtime/names";

describe("internationalized names", () => {
  it("converts domains, subdomains and host names to their ASCII (punycode) form before validation", () => {
    const { inputs, failures } = checkDnsRecord({
      domain: "Пример.РФ",
      type: "CNAME",
      subdomain: "почта",
      content: "сервер.пример.рф",
    });
    expect(failures).toEqual([]);
    expect(inputs).toEqual(
      expect.objectContaining({
        domain: "xn--e1afmkfd.xn--p1ai",
        subdomain: "xn--80a1acny",
        content: "xn--b1afb6bcb.xn--e1afmkfd.xn--p1ai.",
      }),
    );
  });

  it("treats the Unicode and ASCII spellings as the same record", () => {
    const stored = {
      ...checkDnsRecord({
        domain: "xn--e1afmkfd.xn--p1ai",
        type: "A",
        subdomain: "www",
        content: "192.0.2.1",
      }).inputs,
      recordId: 1,
    };
    const unicode = checkDnsRecord({
      domain: "пример.рф",
      type: "A",
      subdomain: "www.пример.рф.",
      content: "192.0.2.1",
    });
    expect(unicode.failures).toEqual([]);
    expect(diffDnsRecord(stored, unicode.inputs).changes).toBe(false);
  });

  it("keeps a wildcard label and leaves an unconvertible name to validation", () => {
    expect(canonicalName("*.Пример.рф.")).toBe("*.xn--e1afmkfd.xn--p1ai");
    expect(
      checkDnsRecord({ domain: "пример..рф", type: "A", content: "192.0.2.1" }).failures.map(
        (f) => f.property,
      ),
    ).toEqual(["domain"]);
  });
});

describe("CNAME at the zone apex", () => {
  it.each(["@", "example.com", "example.com.", undefined])(
    "is refused at check for subdomain %p, on both backends",
    (subdomain) => {
      for (const backend of [BACKEND_TRAITS.pdd, BACKEND_TRAITS.yandex360]) {
        const { failures } = checkDnsRecord(
          { domain: "example.com", type: "CNAME", subdomain, content: "target.example.net" },
          backend,
        );
        expect(failures).toEqual([
          { property: "subdomain", reason: expect.stringContaining("cannot be at the zone apex") },
        ]);
      }
    },
  );

  it("is allowed below the apex", () => {
    expect(
      checkDnsRecord({
        domain: "example.com",
        type: "CNAME",
        subdomain: "www",
        content: "target.example.net",
      }).failures,
    ).toEqual([]);
  });
});

describe("wildcards", () => {
  it("are accepted only as the leftmost label", () => {
    const failures = (subdomain: string) =>
      checkDnsRecord({ domain: "example.com", type: "A", subdomain, content: "192.0.2.1" }).failures.map(
        (f) => f.property,
      );
    expect(failures("*")).toEqual([]);
    expect(failures("*.www")).toEqual([]);
    expect(failures("www.*")).toEqual(["subdomain"]);
    expect(failures("a.*.b")).toEqual(["subdomain"]);
  });
});
