/** "1 photo", "3 photos": a number with its noun, the plural given where adding "s" is wrong. */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
