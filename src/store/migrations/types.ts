/** One schema change. `version` orders migrations; each runs once, in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
