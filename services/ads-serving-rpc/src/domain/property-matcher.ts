import type { PageProperties, PropertyExpression } from '@ads/ads-client';
import { propertyValueOf } from './property-atoms';

/** A campaign's key-value targeting compiled to closures: true when the slot's properties match. */
export type PropertyMatcher = (properties: PageProperties) => boolean;

function equalsMatcher(key: string, literal: string | number | boolean): PropertyMatcher {
  if (typeof literal !== 'string') return (properties) => propertyValueOf(properties, key) === literal;
  return (properties) => {
    const value = propertyValueOf(properties, key);
    return value === literal || (Array.isArray(value) && (value as readonly string[]).includes(literal));
  };
}

function memberMatcher(key: string, texts: readonly string[]): PropertyMatcher {
  if (texts.length === 1) return equalsMatcher(key, texts[0]!);
  const members = new Set(texts);
  return (properties) => {
    const value = propertyValueOf(properties, key);
    if (typeof value === 'string') return members.has(value);
    if (!Array.isArray(value)) return false;
    for (const entry of value as readonly string[]) if (members.has(entry)) return true;
    return false;
  };
}

function allOf(matchers: PropertyMatcher[]): PropertyMatcher {
  if (matchers.length === 2) {
    const [first, second] = matchers as [PropertyMatcher, PropertyMatcher];
    return (properties) => first(properties) && second(properties);
  }
  return (properties) => {
    for (const matcher of matchers) if (!matcher(properties)) return false;
    return true;
  };
}

function anyOf(matchers: PropertyMatcher[]): PropertyMatcher {
  if (matchers.length === 2) {
    const [first, second] = matchers as [PropertyMatcher, PropertyMatcher];
    return (properties) => first(properties) || second(properties);
  }
  return (properties) => {
    for (const matcher of matchers) if (matcher(properties)) return true;
    return false;
  };
}

/**
 * Compiles an expression once, when serving loads an index version, into closures: a decision
 * calls them and never reads the expression's text or walks its tree. Means the same as
 * `evaluatePropertyExpression` of @ads/ads-client (a property test holds them together).
 */
export function compilePropertyMatcher(expression: PropertyExpression): PropertyMatcher {
  switch (expression.kind) {
    case 'and':
      return allOf(expression.operands.map(compilePropertyMatcher));
    case 'or':
      return anyOf(expression.operands.map(compilePropertyMatcher));
    case 'not': {
      const operand = compilePropertyMatcher(expression.operand);
      return (properties) => !operand(properties);
    }
    case 'has': {
      const key = expression.key;
      return (properties) => Object.hasOwn(properties, key);
    }
    case 'is-true': {
      const key = expression.key;
      return (properties) => propertyValueOf(properties, key) === true;
    }
    case 'in':
      return memberMatcher(expression.key, expression.values);
    case 'compare': {
      const { key, value: literal } = expression;
      switch (expression.op) {
        case '=':
          return equalsMatcher(key, literal);
        case '!=': {
          const equals = equalsMatcher(key, literal);
          return (properties) => !equals(properties);
        }
        case '<': {
          const bound = literal as number;
          return (properties) => {
            const value = propertyValueOf(properties, key);
            return typeof value === 'number' && value < bound;
          };
        }
        case '<=': {
          const bound = literal as number;
          return (properties) => {
            const value = propertyValueOf(properties, key);
            return typeof value === 'number' && value <= bound;
          };
        }
        case '>': {
          const bound = literal as number;
          return (properties) => {
            const value = propertyValueOf(properties, key);
            return typeof value === 'number' && value > bound;
          };
        }
        case '>=': {
          const bound = literal as number;
          return (properties) => {
            const value = propertyValueOf(properties, key);
            return typeof value === 'number' && value >= bound;
          };
        }
      }
    }
  }
}
