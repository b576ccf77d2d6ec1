/** The longest text taken from a feed or a source into an error (a field's value, a URL). */
export const MAX_QUOTED_LENGTH = 200;

/**
 * `text` cut to `max` characters (an ellipsis marks the cut), so that no error stored on an
 * import run or shown on the dashboard carries more than a bounded piece of what it quotes.
 */
export function boundedText(text: string, max = MAX_QUOTED_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
