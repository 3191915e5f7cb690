import { describe, expect, it } from 'vitest';
import { nominalWaitSeconds } from '../src/executor';

describe('nominalWaitSeconds', () => {
  it('reads a Wait state\'s Seconds, or its SecondsPath from the input, as AWS would wait', () => {
    expect(nominalWaitSeconds({ Type: 'Wait', Seconds: 30 }, {})).toBe(30);
    expect(nominalWaitSeconds({ Type: 'Wait', SecondsPath: '$.tuning.waitSeconds' }, { tuning: { waitSeconds: 203 } })).toBe(203);
    expect(nominalWaitSeconds({ Type: 'Wait', SecondsPath: '$.missing.waitSeconds' }, { tuning: {} })).toBe(0);
    expect(nominalWaitSeconds({ Type: 'Wait', Timestamp: '2030-01-01T00:00:00Z' }, {})).toBe(0);
  });
});
