// Budgets and bids travel in cents, spend in micros (10,000 per cent). People type and read
// currency units, so forms convert at the edge and nothing else does arithmetic on floats.

export const MICROS_PER_CENT = 10_000;

const currency = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "1,234.50" for 123450 cents. */
export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '—';
  return currency.format(cents / 100);
}

/** Spend in micros, shown in currency units with cents (rounded half up to the cent). */
export function formatMicros(micros: number | string | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  return currency.format(Math.round(Number(micros) / MICROS_PER_CENT) / 100);
}

/** The text a money input shows for an amount in cents: "12.50", or "" for none. */
export function centsToInput(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '';
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/**
 * Parses what a person typed into a money input ("12", "12.5", "1,200.00") into cents;
 * undefined when it is not an amount. Parsed from the digits, never through a float.
 */
export function inputToCents(text: string): number | undefined {
  const cleaned = text.trim().replace(/[,\s]/g, '');
  const match = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (match === null) return undefined;
  const units = Number(match[2]);
  const cents = Number((match[3] ?? '').padEnd(2, '0'));
  const value = units * 100 + cents;
  if (!Number.isSafeInteger(value)) return undefined;
  return match[1] === '-' ? -value : value;
}
