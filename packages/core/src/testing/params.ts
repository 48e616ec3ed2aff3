// Test-only: a model's parameters as named copies (paramInfo() names with readParams() values), for comparisons.
import type { MLP } from '../mlp.js';
import type { FloatArray } from '../tensor.js';

/** Every parameter of `m` as { name, data } with data a copy, in the order W0, b0, W1, b1, … */
export function paramsOf(m: MLP): { name: string; data: FloatArray }[] {
  const values = m.readParams();
  return m.paramInfo().map((p, i) => ({ name: p.name, data: values[i]! }));
}
