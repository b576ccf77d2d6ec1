/** The lottery weight of an ad: its eCPM times the pacing factor that ads-scoring computed. */
export function lotteryWeight(eCpm: number, pacingFactor: number): number {
  const weight = eCpm * pacingFactor;
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}
