import { formatLabelSelector, matchesLabelSelector } from './label-selector.js';

describe('label selectors', () => {
  const selector = {
    matchLabels: { app: 'connector' },
    matchExpressions: [
      { key: 'tier', operator: 'In' as const, values: ['gold', 'silver'] },
      { key: 'legacy', operator: 'DoesNotExist' as const },
      { key: 'region', operator: 'NotIn' as const, values: ['eu'] },
      { key: 'owner', operator: 'Exists' as const },
    ],
  };

  it('formats the API server query syntax', () => {
    expect(formatLabelSelector(selector)).toBe('app=connector,tier in (gold,silver),!legacy,region notin (eu),owner');
    expect(formatLabelSelector(undefined)).toBe('');
  });

  it('evaluates the same selector locally', () => {
    expect(matchesLabelSelector(selector, { app: 'connector', tier: 'gold', owner: 'x' })).toBe(true);
    expect(matchesLabelSelector(selector, { app: 'connector', tier: 'gold', owner: 'x', legacy: '1' })).toBe(false);
    expect(matchesLabelSelector(selector, { app: 'connector', tier: 'gold', owner: 'x', region: 'eu' })).toBe(false);
    expect(matchesLabelSelector(selector, { app: 'connector', tier: 'bronze', owner: 'x' })).toBe(false);
    expect(matchesLabelSelector(undefined, undefined)).toBe(true);
  });

  it('rejects requirements whose values do not fit the operator, naming the field', () => {
    expect(() => formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toThrow('labelSelector.matchExpressions[0].values: operator In needs at least one value');
    expect(() => formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(/takes no values; remove them/);
  });
});
