import { boundedText } from './bounded-text';
import { FEED_COLUMNS, FEED_COLUMNS_BY_NAME } from './feed-columns';
import type { FeedRowError } from './feed-row';

/**
 * Checks a CSV header: every column known, none twice, every required one present. A header
 * problem stops the import before any row is sent: an unknown column is usually a misspelt
 * one, and importing without it would silently drop what it holds.
 */
export function checkFeedHeader(header: readonly string[], line = 1): FeedRowError[] {
  // A first line naming no feed column at all is not a misspelt header but some other file (or a
  // feed without its header): its text is not repeated, since it may be anything.
  if (!header.some((name) => FEED_COLUMNS_BY_NAME.has(name))) {
    return [
      {
        line,
        field: '(header)',
        message: `is not a feed header: none of its ${header.length} cell(s) is a feed column; a CSV feed starts with a line naming its columns`,
      },
    ];
  }
  const problems: FeedRowError[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (!FEED_COLUMNS_BY_NAME.has(name))
      problems.push({
        line,
        field: boundedText(name),
        message: `is not a feed column (known: ${FEED_COLUMNS.map((column) => column.name).join(', ')})`,
      });
    else if (seen.has(name)) problems.push({ line, field: name, message: 'appears twice in the header' });
    seen.add(name);
  }
  for (const column of FEED_COLUMNS) {
    if (column.required && !seen.has(column.name))
      problems.push({ line, field: column.name, message: 'is a required column and missing from the header' });
  }
  return problems;
}
