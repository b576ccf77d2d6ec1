import type { PageProperties, PropertyValue } from './page-properties.js';
import type { PropertyExpression, PropertyLiteral } from './property-expression.js';

function equals(value: PropertyValue | undefined, literal: PropertyLiteral): boolean {
  if (value === undefined) return false;
  if (typeof value === 'object') return typeof literal === 'string' && value.includes(literal);
  return value === literal;
}

/**
 * The reference meaning of an expression over a page's (or slot's) properties: a direct walk of
 * the tree. Serving compiles expressions instead; its tests check that both agree.
 */
export function evaluatePropertyExpression(expression: PropertyExpression, properties: PageProperties): boolean {
  const valueOf = (key: string): PropertyValue | undefined => (Object.hasOwn(properties, key) ? properties[key] : undefined);
  switch (expression.kind) {
    case 'and':
      return expression.operands.every((operand) => evaluatePropertyExpression(operand, properties));
    case 'or':
      return expression.operands.some((operand) => evaluatePropertyExpression(operand, properties));
    case 'not':
      return !evaluatePropertyExpression(expression.operand, properties);
    case 'has':
      return valueOf(expression.key) !== undefined;
    case 'is-true':
      return valueOf(expression.key) === true;
    case 'in': {
      const value = valueOf(expression.key);
      return expression.values.some((literal) => equals(value, literal));
    }
    case 'compare': {
      const value = valueOf(expression.key);
      const literal = expression.value;
      switch (expression.op) {
        case '=':
          return equals(value, literal);
        case '!=':
          return !equals(value, literal);
        case '<':
          return typeof value === 'number' && value < (literal as number);
        case '<=':
          return typeof value === 'number' && value <= (literal as number);
        case '>':
          return typeof value === 'number' && value > (literal as number);
        case '>=':
          return typeof value === 'number' && value >= (literal as number);
      }
    }
  }
}
