import { z } from 'zod';

// Custom properties of a decision request (key-value targeting): the page's, and each slot's.
// A slot's properties extend the page's key by key; a key the slot also names takes the slot's
// value (the whole value: lists are replaced, not merged).

/** Most properties one page (or one slot) may carry. */
export const MAX_PROPERTIES = 20;
/** Longest property text value, and longest entry of a list value (UTF-16 units). */
export const MAX_PROPERTY_TEXT_LENGTH = 100;
/** Most entries of a list value. */
export const MAX_PROPERTY_LIST_LENGTH = 20;
/** A property key: lower-case letters, digits and "_", starting with a letter, at most 40. */
export const PROPERTY_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
/** Words of the expression language; no property may be called by one of them. */
export const PROPERTY_RESERVED_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'has', 'true', 'false']);

/** One property value: text, a finite number, a boolean, or a list of texts. */
export type PropertyValue = string | number | boolean | readonly string[];
/** The properties of a page or slot, by key. */
export type PageProperties = Readonly<Record<string, PropertyValue>>;

export function isPropertyKey(key: string): boolean {
  return PROPERTY_KEY_PATTERN.test(key) && !PROPERTY_RESERVED_WORDS.has(key);
}

const propertyText = z.string().max(MAX_PROPERTY_TEXT_LENGTH);

const propertyKey = z.string().refine(isPropertyKey, {
  message: 'a property key is 1-40 of a-z, 0-9 and "_", starting with a letter, and not a word of the expression language',
});
const propertyValue = z.union([propertyText, z.number(), z.boolean(), z.array(propertyText).max(MAX_PROPERTY_LIST_LENGTH)]);

/** The `properties` of a decision request or of one of its slots. */
export const pageProperties = z
  .record(propertyKey, propertyValue)
  .refine((properties) => Object.keys(properties).length <= MAX_PROPERTIES, {
    message: `at most ${MAX_PROPERTIES} properties`,
  });

/** The properties a slot decides with (`slotProperties`): the page's and the slot's together, so up to twice `MAX_PROPERTIES`. */
export const slotDecisionProperties = z
  .record(propertyKey, propertyValue)
  .refine((properties) => Object.keys(properties).length <= 2 * MAX_PROPERTIES, {
    message: `at most ${2 * MAX_PROPERTIES} properties (the page's and the slot's)`,
  });

/** The properties a slot decides with: the page's, extended and overridden by the slot's. */
export function slotProperties(page: PageProperties | undefined, slot: PageProperties | undefined): PageProperties | undefined {
  if (slot === undefined) return page;
  if (page === undefined) return slot;
  return { ...page, ...slot };
}

/**
 * The properties exactly as `pageProperties.safeParse(value).data` returns them (a copy), or
 * undefined when the value is not an ordinary valid one, so that zod decides and names the fault.
 */
export function checkPagePropertiesFast(value: unknown): z.output<typeof pageProperties> | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const copy: z.output<typeof pageProperties> = {};
  let count = 0;
  for (const key in value) {
    count += 1;
    if (count > MAX_PROPERTIES || !Object.hasOwn(value, key) || !isPropertyKey(key)) return undefined;
    const given: unknown = (value as Record<string, unknown>)[key];
    switch (typeof given) {
      case 'string':
        if (given.length > MAX_PROPERTY_TEXT_LENGTH) return undefined;
        copy[key] = given;
        break;
      case 'number':
        if (!Number.isFinite(given)) return undefined;
        copy[key] = given;
        break;
      case 'boolean':
        copy[key] = given;
        break;
      default: {
        if (!Array.isArray(given) || given.length > MAX_PROPERTY_LIST_LENGTH) return undefined;
        const list = new Array<string>(given.length);
        for (let at = 0; at < given.length; at += 1) {
          const entry: unknown = given[at];
          if (typeof entry !== 'string' || entry.length > MAX_PROPERTY_TEXT_LENGTH) return undefined;
          list[at] = entry;
        }
        copy[key] = list;
      }
    }
  }
  return copy;
}
