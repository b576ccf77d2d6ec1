// The constant answer of the two baselines ("bare I/O" and "floor"): a real decision answer
// that decide-bench captured from a serving process in the same run (its `result`, written
// to the file named by the baseline's second argument), so the baselines move exactly the
// bytes decide moves.
import { readFileSync } from 'node:fs';
import type { DecisionResponse } from '@ads/ads-client';

/** The captured decision answer: `<script> <port> <answer.json>`. */
export function constantDecision(): DecisionResponse {
  const path = process.argv[3];
  if (path === undefined) throw new Error('usage: <script> <port> <file holding a captured decision answer (JSON)>');
  return JSON.parse(readFileSync(path, 'utf8')) as DecisionResponse;
}
