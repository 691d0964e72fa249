/**
 * Writes `data/sales.csv`, the input of the chunks example: 12,000 sales records drawn from a
 * seeded pseudo-random generator, so every run writes the same bytes (the file is committed;
 * run this only to change the data set).
 *
 *   npx tsx examples/chunks/scripts/generate-data.ts
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CSV_HEADER, REGIONS } from "../sales.js";

/** Rows written; with ~31 bytes a row the file stays under 400 KB. */
const ROWS = 12_000;
const SEED = 20_240_101;
const YEAR = 2024;

/** Products and their list prices in cents; a sale may be discounted up to 20 %. */
const PRODUCTS: ReadonlyArray<readonly [string, number]> = [
  ["anvil", 8_999],
  ["bolts", 499],
  ["cable", 1_250],
  ["drill", 12_900],
  ["gloves", 1_599],
  ["hammer", 2_450],
  ["ladder", 15_900],
  ["saw", 3_999],
];

/** Mulberry32: tiny, fast and good enough to make varied but repeatable test data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function saleLine(random: () => number, dayOfYear: number): string {
  const date = new Date(Date.UTC(YEAR, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
  const region = pick(random, REGIONS);
  const [product, listCents] = pick(random, PRODUCTS);
  const quantity = 1 + Math.floor(random() * 20);
  const discount = Math.floor(random() * 21) / 100;
  const priceCents = Math.round(listCents * (1 - discount));
  const price = `${Math.floor(priceCents / 100)}.${String(priceCents % 100).padStart(2, "0")}`;

  return `${date},${region},${product},${quantity},${price}`;
}

function generate(): string {
  const random = seededRandom(SEED);
  const lines = [CSV_HEADER];

  for (let row = 0; row < ROWS; row++) {
    // Rows in date order, as an export from a sales system would be.
    const dayOfYear = Math.floor((row * 366) / ROWS);
    lines.push(saleLine(random, dayOfYear));
  }

  return `${lines.join("\n")}\n`;
}

const target = fileURLToPath(new URL("../data/sales.csv", import.meta.url));
const csv = generate();
writeFileSync(target, csv);
console.log(`wrote ${ROWS} rows (${csv.length} bytes) to ${target}`);
