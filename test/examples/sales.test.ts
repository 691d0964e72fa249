/** The data side of the chunks example: parsing, splitting and adding up the sales CSV. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  aggregateLines,
  CSV_HEADER,
  combineTotals,
  dataLines,
  formatCents,
  parseSale,
  SalesFormatError,
  sameTotals,
  splitEvenly,
} from "../../examples/chunks/sales.js";

const CSV = readFileSync(new URL("../../examples/chunks/data/sales.csv", import.meta.url), "utf8");

describe("the shipped data set", () => {
  it("has a header, 12,000 valid rows and stays under 400 KB", () => {
    const lines = dataLines(CSV);

    expect(CSV.startsWith(`${CSV_HEADER}\n`)).toBe(true);
    expect(lines).toHaveLength(12_000);
    expect(Buffer.byteLength(CSV)).toBeLessThan(400_000);
    expect(aggregateLines(lines).rows).toBe(12_000);
  });

  it("adds up to the same totals whether split into 100 chunks or not", () => {
    const lines = dataLines(CSV);
    const chunks = splitEvenly(lines, 100);
    let firstLine = 2;
    const parts = chunks.map((chunk) => {
      const totals = aggregateLines(chunk, firstLine);
      firstLine += chunk.length;
      return totals;
    });

    expect(sameTotals(combineTotals(parts), aggregateLines(lines))).toBe(true);
  });
});

describe("splitEvenly", () => {
  it("keeps every item, in order, in runs whose lengths differ by at most one", () => {
    const items = Array.from({ length: 1003 }, (_, index) => index);
    const chunks = splitEvenly(items, 100);
    const lengths = chunks.map((chunk) => chunk.length);

    expect(chunks).toHaveLength(100);
    expect(chunks.flat()).toEqual(items);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });

  it("makes no empty chunk when there are fewer items than chunks", () => {
    expect(splitEvenly([1, 2, 3], 10)).toEqual([[1], [2], [3]]);
  });

  it("refuses a chunk count below 1", () => {
    expect(() => splitEvenly([1], 0)).toThrow(RangeError);
  });
});

describe("parseSale", () => {
  it("reads prices as whole cents", () => {
    expect(parseSale("2024-02-03,east,saw,3,12.05", 2)).toEqual({
      date: "2024-02-03",
      region: "east",
      product: "saw",
      quantity: 3,
      unitPriceCents: 1205,
    });
  });

  it.each([
    ["2024-02-03,east,saw,3", "expected 5 fields, got 4"],
    ["03/02/2024,east,saw,3,1.00", 'date "03/02/2024" is not YYYY-MM-DD'],
    ["2024-02-03,mars,saw,3,1.00", 'unknown region "mars"'],
    ["2024-02-03,east,saw,-3,1.00", 'quantity "-3" is not a whole number'],
    ["2024-02-03,east,saw,3,1.5", 'unit_price "1.5" is not a price like 12.50'],
  ])("names the line and the problem for %s", (line, problem) => {
    expect(() => parseSale(line, 7)).toThrow(SalesFormatError);
    expect(() => parseSale(line, 7)).toThrow(`sales CSV line 7: ${problem}`);
  });

  it("refuses a file without the expected header", () => {
    expect(() => dataLines("a,b\n1,2\n")).toThrow("sales CSV line 1: expected the header");
  });
});

describe("formatCents", () => {
  it("groups thousands and keeps two decimals", () => {
    expect(formatCents(123_456_789)).toBe("1,234,567.89");
    expect(formatCents(5)).toBe("0.05");
    expect(formatCents(-1050)).toBe("-10.50");
  });
});
