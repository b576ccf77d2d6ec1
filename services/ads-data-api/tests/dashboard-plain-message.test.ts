// The dashboard's message catalogue: zod issues of the shared contracts as plain sentences led
// by the field's label, and a whole form's violations at once (cross-field rules included).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { inventory } from '@ads/ads-client';

import { contractViolations } from '../dashboard/src/domain/contract-violations';
import type { FieldSpec } from '../dashboard/src/domain/form-values';
import { formatFrequencyCap } from '../dashboard/src/domain/frequency-cap';
import { plainMessage } from '../dashboard/src/domain/plain-message';

describe('plainMessage', () => {
  it('says what zod says in plain words, with the label', () => {
    assert.equal(
      plainMessage({ code: 'invalid_type', expected: 'number', message: 'Invalid input: expected number, received undefined' }, 'Bid'),
      'Bid is required',
    );
    assert.equal(
      plainMessage({ code: 'invalid_type', expected: 'number', input: 'abc', message: 'Invalid input' }, 'Daily budget', 'money'),
      'Daily budget must be a number, such as 12.50',
    );
    assert.equal(
      plainMessage(
        { code: 'too_small', origin: 'string', minimum: 1, message: 'Too small: expected string to have >=1 characters' },
        'Name',
      ),
      'Name is required',
    );
    assert.equal(
      plainMessage({ code: 'too_big', origin: 'number', maximum: 100_000, message: 'Too big' }, 'Total budget', 'money'),
      'Total budget must be at most 1,000.00',
    );
    assert.equal(
      plainMessage({ code: 'invalid_format', format: 'url', message: 'Invalid URL' }, 'Click URL'),
      'Click URL must be a web address such as https://example.com/page',
    );
    assert.equal(
      plainMessage({ code: 'invalid_value', values: ['even', 'asap'], message: 'Invalid option' }, 'Pacing'),
      'Pacing must be one of: even, asap',
    );
    assert.equal(
      plainMessage({ code: 'custom', message: 'must be an IANA time zone such as "Europe/Paris"' }, 'Time zone'),
      'Time zone must be an IANA time zone such as "Europe/Paris"',
    );
    assert.equal(
      plainMessage(
        { code: 'custom', message: 'flightEnd must be after flightStart' },
        'Flight end',
        'other',
        new Map([
          ['flightEnd', 'Flight end'],
          ['flightStart', 'flight start'],
        ]),
      ),
      'Flight end must be after flight start',
    );
    assert.equal(plainMessage({ code: 'custom' }, 'Width'), 'Width is not valid');
  });
});

describe('contractViolations', () => {
  const specs: FieldSpec[] = [
    { name: 'name', label: 'Name', kind: 'text' },
    { name: 'totalBudget', label: 'Total budget', kind: 'money' },
    { name: 'bidAmount', label: 'Bid', kind: 'money' },
    { name: 'flightStart', label: 'Flight start', kind: 'datetime' },
    { name: 'flightEnd', label: 'Flight end', kind: 'datetime' },
  ];
  it('names every bad field at once, with the cross-field rules, and skips fields that could not be converted', () => {
    const payload = {
      advertiserId: '0190f7a0-0000-7000-8000-000000000000',
      name: '',
      flightStart: '2030-01-02T00:00:00Z',
      flightEnd: '2030-01-01T00:00:00Z',
    };
    const rules = [
      { holds: inventory.flightInOrder, message: { message: 'Flight end must be after the flight start', path: ['flightEnd'] } },
    ];
    const found = contractViolations(inventory.campaignCreate, rules, payload, payload, specs, new Set(['totalBudget']));
    assert.deepEqual(found.byField, {
      name: ['Name is required'],
      bidAmount: ['Bid is required'],
      flightEnd: ['Flight end must be after the flight start'],
    });
    assert.deepEqual(found.other, []);
  });
});

describe('formatFrequencyCap', () => {
  it('reads in hours, days and weeks', () => {
    assert.equal(formatFrequencyCap({ count: 3, windowSeconds: 86_400 }), '3 per day');
    assert.equal(formatFrequencyCap({ count: 1, windowSeconds: 604_800 }), '1 per week');
    assert.equal(formatFrequencyCap({ count: 2, windowSeconds: 7_200 }), '2 per 2 hours');
    assert.equal(formatFrequencyCap(null), 'none');
  });
});
