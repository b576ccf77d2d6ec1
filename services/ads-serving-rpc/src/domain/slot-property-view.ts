import { slotProperties, type PageProperties } from '@ads/ads-client';
import { heldPropertyAtoms } from './property-atoms';
import type { SlotPropertyMap } from './property-matcher';

/** A slot's properties as a decision uses them: by key for matching, as atoms for group lookups. */
export interface SlotPropertyView {
  values: SlotPropertyMap;
  /** Distinct atoms the properties hold (`heldPropertyAtoms`). */
  atoms: readonly string[];
  atomSet: ReadonlySet<string>;
}

export const NO_SLOT_PROPERTIES: SlotPropertyView = { values: new Map(), atoms: [], atomSet: new Set() };

/** The view of the page's properties extended by the slot's (the slot's win on a shared key). */
export function slotPropertyView(page: PageProperties | undefined, slot: PageProperties | undefined): SlotPropertyView {
  const properties = slotProperties(page, slot);
  if (properties === undefined) return NO_SLOT_PROPERTIES;
  const atoms = heldPropertyAtoms(properties);
  return { values: new Map(Object.entries(properties)), atoms, atomSet: new Set(atoms) };
}
