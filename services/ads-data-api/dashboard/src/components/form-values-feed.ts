import { useState, useSyncExternalStore } from 'react';
import type { FormValues } from '../domain/form-values';

/**
 * A form's values as they change, for a neighbour that follows them (the forecast panel)
 * without the page holding them in its state: a keystroke then renders the form and the
 * neighbour, not the whole page with the form a second time.
 */
export interface FormValuesFeed {
  publish: (values: FormValues) => void;
  subscribe: (listener: () => void) => () => void;
  snapshot: () => FormValues | null;
}

function createFormValuesFeed(): FormValuesFeed {
  let current: FormValues | null = null;
  const listeners = new Set<() => void>();
  return {
    publish: (values) => {
      current = values;
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => current,
  };
}

/** A feed that lives as long as the component. */
export function useFormValuesFeed(): FormValuesFeed {
  const [feed] = useState(createFormValuesFeed);
  return feed;
}

/** The latest values published on `feed` (null before the form published any). */
export function useFormValuesFeedValues(feed: FormValuesFeed): FormValues | null {
  return useSyncExternalStore(feed.subscribe, feed.snapshot);
}
