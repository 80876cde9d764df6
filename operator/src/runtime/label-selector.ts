// Label selectors in their structured form (as in a Deployment's `selector`), rendered to the query
// syntax for the API server and evaluated locally for cache lookups, so both always agree.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function validateLabelSelector(selector: LabelSelector, path = 'labelSelector'): void {
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const where = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    if (!req.key) throw new Error(`${where}.key: must not be empty`);
    if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
      throw new Error(`${where}.values: operator ${req.operator} needs at least one value`);
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
      throw new Error(`${where}.values: operator ${req.operator} takes no values; remove them`);
    }
  });
}

/** The `labelSelector` query parameter; empty string selects everything. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  validateLabelSelector(selector);
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    switch (req.operator) {
      case 'In':
        terms.push(`${req.key} in (${values})`);
        break;
      case 'NotIn':
        terms.push(`${req.key} notin (${values})`);
        break;
      case 'Exists':
        terms.push(req.key);
        break;
      case 'DoesNotExist':
        terms.push(`!${req.key}`);
        break;
    }
  }
  return terms.join(',');
}

export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (have[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    const value = have[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}
