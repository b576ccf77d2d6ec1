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
}

/** Switch that turns the house tier off (globally or on a placement sold out to sponsors). */
export const HOUSE_ADS_SWITCH = 'serving.house_ads';

/** The switches serving obeys: `serving.enabled` (all ads) and `serving.house_ads` (house tier). */
export interface KillSwitches {
  serving: ScopedSwitches;
  houseAds: ScopedSwitches;
}

export function compileKillSwitches(switches: readonly ServingFeatureSwitch[]): KillSwitches {
  return { serving: compileSwitch(switches, KILL_SWITCHES.serving), houseAds: compileSwitch(switches, HOUSE_ADS_SWITCH) };
}

/** The rules of one switch name; every other name belongs to someone else. */
function compileSwitch(switches: readonly ServingFeatureSwitch[], name: string): ScopedSwitches {
  const compiled: ScopedSwitches = { global: [], placements: new Map(), advertisers: new Map() };
  for (const entry of switches) {
    if (entry.name !== name) continue;
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
