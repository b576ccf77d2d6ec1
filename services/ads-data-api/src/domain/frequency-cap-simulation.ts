/** A frequency cap: at most `count` impressions per visitor in any window of `windowSeconds`. */
export interface FrequencyCapRule {
  count: number;
  windowSeconds: number;
}

/**
 * How many of one visitor's requests of one day a frequency cap lets through, if the campaign
 * took each request it may: the sliding window of serving, at the sample's grain (the UTC hour),
 * with a visitor's requests of one hour spread evenly over it. `hours` are the requests' UTC
 * hours (0-23), in any order.
 */
export function frequencyCapKeeps(hours: readonly number[], cap: FrequencyCapRule): number {
  const perHour = new Array<number>(24).fill(0);
  for (const hour of hours) perHour[hour] = (perHour[hour] ?? 0) + 1;
  const kept: number[] = [];
  for (let hour = 0; hour < 24; hour += 1) {
    const requests = perHour[hour] ?? 0;
    for (let at = 0; at < requests; at += 1) {
      const second = hour * 3600 + ((at + 0.5) * 3600) / requests;
      let inWindow = 0;
      for (let back = kept.length - 1; back >= 0 && kept[back]! > second - cap.windowSeconds; back -= 1) inWindow += 1;
      if (inWindow < cap.count) kept.push(second);
    }
  }
  return kept.length;
}
