// Rules of ad creatives that need the stored row and the edit together.

/** What the rules read of an ad. */
export interface AdFacts {
  format: 'native' | 'banner';
  width: number | null;
  height: number | null;
}

export interface AdViolation {
  field: string;
  message: string;
}

/** Size rules: width and height go together, and a banner needs both. */
export function adSizeViolations(ad: AdFacts): AdViolation[] {
  if ((ad.width === null) !== (ad.height === null)) {
    return [{ field: ad.width === null ? 'width' : 'height', message: 'width and height must be set together (or both null)' }];
  }
  if (ad.format === 'banner' && ad.width === null) {
    return [{ field: 'width', message: 'a banner needs width and height' }];
  }
  return [];
}

const creativeFields = ['title', 'body', 'imageUrl', 'clickUrl', 'width', 'height'] as const;

/**
 * The review state after an edit: changing what the viewer sees sends an approved or rejected
 * ad back to review, unless the same edit sets the review state (an admin approving it).
 */
export function reviewStateAfterEdit<State extends string>(
  current: State,
  patch: Partial<Record<(typeof creativeFields)[number] | 'reviewState', unknown>>,
  stored: Record<(typeof creativeFields)[number], unknown>,
): State | 'pending' {
  if (patch.reviewState !== undefined) return patch.reviewState as State;
  const changed = creativeFields.some((field) => patch[field] !== undefined && patch[field] !== stored[field]);
  return changed ? 'pending' : current;
}
