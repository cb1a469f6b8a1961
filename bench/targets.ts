/** A figure against its target (issue 21), saying whether it is met. */
export function target(figure: string, ratio: number, direction: '≥' | '≤', goal: number): string {
  const met = direction === '≥' ? ratio >= goal : ratio <= goal;
  return `${figure} = ${ratio.toFixed(2)} (target ${direction} ${goal.toFixed(1)}: ${met ? 'met' : 'not met'})`;
}
