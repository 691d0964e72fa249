/**
 * The sales data set of the example: parsing the CSV, splitting it into chunks, and adding up
 * revenue per region. Amounts are whole cents, so sums are exact and the combined answer of
 * the tasks can be compared with the direct computation for equality.
 */

/** Regions of the data set, in the order the summary prints them. */
export const REGIONS = ["north", "south", "east", "west", "central"] as const;

export type Region = (typeof REGIONS)[number];

/** The header line of `data/sales.csv`. */
export const CSV_HEADER = "date,region,product,quantity,unit_price";

/** One sale: `quantity` units of `product` at `unitPriceCents` each. */
export interface SaleRow {
  date: string;
  region: Region;
  product: string;
  quantity: number;
  unitPriceCents: number;
}

/** Totals of a set of rows; what one chunk task returns and what the batch adds up. */
export interface SalesTotals {
  rows: number;
  quantityByRegion: Record<Region, number>;
  revenueCentsByRegion: Record<Region, number>;
}

/** A CSV line that is not a sale; names the line so the file can be fixed. */
export class SalesFormatError extends Error {
  readonly code = "SALES_FORMAT";

  constructor(line: number, problem: string) {
    super(`sales CSV line ${line}: ${problem}`);
    this.name = "SalesFormatError";
  }
}

/** The data lines of a CSV text (header and blank lines left out). */
export function dataLines(csv: string): string[] {
  const lines = csv.split(/\r?\n/).filter((line) => line !== "");

  if (lines[0] !== CSV_HEADER) {
    throw new SalesFormatError(1, `expected the header "${CSV_HEADER}", got "${lines[0] ?? ""}"`);
  }

  return lines.slice(1);
}

/** Splits `items` into `count` runs of nearly equal length, in order; none is empty. */
export function splitEvenly<T>(items: readonly T[], count: number): T[][] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`chunk count must be a whole number of at least 1, got ${count}`);
  }

  const parts = Math.min(count, items.length);
  const chunks: T[][] = [];
  let start = 0;

  for (let index = 0; index < parts; index++) {
    const end = Math.round(((index + 1) * items.length) / parts);
    chunks.push(items.slice(start, end));
    start = end;
  }

  return chunks;
}

/**
 * Parses one data line. `lineNumber` is only for the error message.
 * @throws {SalesFormatError} when a field is missing or malformed
 */
export function parseSale(line: string, lineNumber: number): SaleRow {
  const fields = line.split(",");

  if (fields.length !== 5) {
    throw new SalesFormatError(lineNumber, `expected 5 fields, got ${fields.length}`);
  }

  const [date, region, product, quantity, price] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];

  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new SalesFormatError(lineNumber, `date "${date}" is not YYYY-MM-DD`);
  }

  if (!isRegion(region)) {
    throw new SalesFormatError(lineNumber, `unknown region "${region}" (${REGIONS.join(", ")})`);
  }

  return {
    date,
    region,
    product,
    quantity: wholeNumber(quantity, lineNumber, "quantity"),
    unitPriceCents: cents(price, lineNumber),
  };
}

/** Totals of the given data lines. `firstLineNumber` numbers them in error messages. */
export function aggregateLines(lines: readonly string[], firstLineNumber = 2): SalesTotals {
  const totals = emptyTotals();

  lines.forEach((line, offset) => {
    const sale = parseSale(line, firstLineNumber + offset);
    totals.rows += 1;
    totals.quantityByRegion[sale.region] += sale.quantity;
    totals.revenueCentsByRegion[sale.region] += sale.quantity * sale.unitPriceCents;
  });

  return totals;
}

/** Adds up totals (the reduce step of the batch). */
export function combineTotals(parts: Iterable<SalesTotals>): SalesTotals {
  const sum = emptyTotals();

  for (const part of parts) {
    sum.rows += part.rows;

    for (const region of REGIONS) {
      sum.quantityByRegion[region] += part.quantityByRegion[region] ?? 0;
      sum.revenueCentsByRegion[region] += part.revenueCentsByRegion[region] ?? 0;
    }
  }

  return sum;
}

/** Whether two totals are the same, field by field. */
export function sameTotals(a: SalesTotals, b: SalesTotals): boolean {
  return (
    a.rows === b.rows &&
    REGIONS.every(
      (region) =>
        a.quantityByRegion[region] === b.quantityByRegion[region] &&
        a.revenueCentsByRegion[region] === b.revenueCentsByRegion[region],
    )
  );
}

/** Totals of nothing. */
export function emptyTotals(): SalesTotals {
  return {
    rows: 0,
    quantityByRegion: byRegion(0),
    revenueCentsByRegion: byRegion(0),
  };
}

/** `1234567` cents as `"12,345.67"`. */
export function formatCents(totalCents: number): string {
  const sign = totalCents < 0 ? "-" : "";
  const absolute = Math.abs(totalCents);
  const whole = Math.floor(absolute / 100).toLocaleString("en-US");
  const fraction = String(absolute % 100).padStart(2, "0");

  return `${sign}${whole}.${fraction}`;
}

function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value);
}

function byRegion(value: number): Record<Region, number> {
  return Object.fromEntries(REGIONS.map((region) => [region, value])) as Record<Region, number>;
}

function wholeNumber(text: string, line: number, field: string): number {
  if (!/^\d+$/.test(text)) {
    throw new SalesFormatError(line, `${field} "${text}" is not a whole number`);
  }

  return Number(text);
}

function cents(text: string, line: number): number {
  const match = /^(\d+)\.(\d{2})$/.exec(text);

  if (match === null) {
    throw new SalesFormatError(line, `unit_price "${text}" is not a price like 12.50`);
  }

  return Number(match[1]) * 100 + Number(match[2]);
}
