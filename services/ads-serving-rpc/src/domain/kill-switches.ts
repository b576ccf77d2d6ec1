import { KILL_SWITCHES, type ServingFeatureSwitch } from '@ads/ads-client';
import { stableHash } from './rng';

/** One kill switch rule: off, on, or on for a percentage of user keys. */
export interface SwitchRule {
  enabled: boolean;
  percentage: number;
  /** Mixed into the user bucket so that two switches do not pick the same users. */
  salt: string;
}

/** The rules of one switch name, by scope. */
export interface ScopedSwitches {
  global: SwitchRule[];
  /** By placement id and by placement key (the dashboard may name either). */
  placements: Map<string, SwitchRule[]>;
  advertisers: Map<string, SwitchRule[]>;
  /** No rule in any scope: the switch is on everywhere. */
  empty: boolean;
}

/**
 * The switches serving obeys: `serving.enabled` (all ads), `serving.house_ads` (the house
 * tier), `serving.frequency_caps` (caps enforced) and `serving.competitive_exclusion`
 * (exclusion labels keep campaigns apart); each global, per placement or per advertiser.
 */
export interface KillSwitches {
  serving: ScopedSwitches;
  houseAds: ScopedSwitches;
  frequencyCaps: ScopedSwitches;
  competitiveExclusion: ScopedSwitches;
}

export function compileKillSwitches(switches: readonly ServingFeatureSwitch[]): KillSwitches {
  return {
    serving: compileSwitch(switches, KILL_SWITCHES.serving),
    houseAds: compileSwitch(switches, KILL_SWITCHES.houseAds),
    frequencyCaps: compileSwitch(switches, KILL_SWITCHES.frequencyCaps),
    competitiveExclusion: compileSwitch(switches, KILL_SWITCHES.competitiveExclusion),
  };
}

/**
 * Whether a switch is on for one campaign in one placement for one user: every rule of its
 * global, placement (by id or key) and advertiser scope lets the user through. A switch with
 * no rules at all (the usual case) is on without looking further.
 */
export function switchOnFor(
  switches: ScopedSwitches,
  placement: { id: string; key: string } | undefined,
  advertiserId: string,
  userKey: string,
): boolean {
  if (switches.empty) return true;
  return (
    switchesAllow(switches.global, userKey) &&
    (placement === undefined ||
      (switchesAllow(switches.placements.get(placement.id), userKey) && switchesAllow(switches.placements.get(placement.key), userKey))) &&
    switchesAllow(switches.advertisers.get(advertiserId), userKey)
  );
}

/** The rules of one switch name; every other name belongs to someone else. */
function compileSwitch(switches: readonly ServingFeatureSwitch[], name: string): ScopedSwitches {
  const compiled: ScopedSwitches = { global: [], placements: new Map(), advertisers: new Map(), empty: true };
  for (const entry of switches) {
    if (entry.name !== name) continue;
    compiled.empty = false;
    const rule: SwitchRule = { enabled: entry.enabled, percentage: entry.percentage, salt: `${entry.scope}:${entry.scopeId ?? ''}` };
    if (entry.scope === 'global') compiled.global.push(rule);
    else if (entry.scopeId !== null) {
      const byScope = entry.scope === 'placement' ? compiled.placements : compiled.advertisers;
      byScope.set(entry.scopeId, [...(byScope.get(entry.scopeId) ?? []), rule]);
    }
  }
  return compiled;
}

/** Off for everyone: the rule can be applied once per refresh instead of per request. */
export function switchesFullyOff(rules: readonly SwitchRule[] | undefined): boolean {
  return rules !== undefined && rules.some((rule) => !rule.enabled || rule.percentage <= 0);
}

/** Whether every rule lets this user key through (a percentage is sticky per user key). */
export function switchesAllow(rules: readonly SwitchRule[] | undefined, userKey: string): boolean {
  if (rules === undefined) return true;
  for (const rule of rules) {
    if (!rule.enabled || rule.percentage <= 0) return false;
    if (rule.percentage < 100 && stableHash(`${rule.salt}:${userKey}`) % 100 >= rule.percentage) return false;
  }
  return true;
}

/** Whether any rule needs the per-request check (a partial roll-out). */
export function switchesArePartial(rules: readonly SwitchRule[] | undefined): boolean {
  return rules !== undefined && rules.some((rule) => rule.enabled && rule.percentage > 0 && rule.percentage < 100);
}
