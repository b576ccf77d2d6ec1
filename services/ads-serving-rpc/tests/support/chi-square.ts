/** Pearson's chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: readonly number[], expectedShares: readonly number[]): number {
  const total = observed.reduce((sum, count) => sum + count, 0);
  return observed.reduce((sum, count, at) => {
    const expected = total * expectedShares[at]!;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
}
