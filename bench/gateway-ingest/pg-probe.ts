/**
 * What the services in this process do to PostgreSQL, seen from node-postgres (`Client.prototype.query`,
 * which TypeORM calls once per statement, BEGIN/START TRANSACTION and COMMIT included):
 *
 * - statements and transactions per database (the gateway, LIS, HIS each have their own), except the bench's
 *   own clients;
 * - commit times of the rows that mark a result's progress, while `watching`: a gateway message stored
 *   (`INSERT INTO gw_message`, by MSH-10), an analyzer report taken in by LIS (`INSERT INTO
 *   lab_analyzer_report`, by barcode), a LIS result recorded (`INSERT INTO lab_result`, by HIS order id),
 *   a lab result on the HIS timeline (`INSERT INTO his_timeline_entry` of kind lab-result, by order id). The
 *   time is taken when that connection's COMMIT returns: the moment the row is visible to every reader.
 *   (The table's own `recorded_at` is `now()`, the start of the consumer's transaction, which may hold a
 *   chunk of events: earlier than the moment a clinician could see the entry.)
 *
 * Nothing in services/ is changed: the probe wraps the driver's method in this process only.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

type Table = 'gw' | 'lisReport' | 'lis' | 'his';
type Mark = { table: Table; keys: string[] };

interface QueryConfigLike {
  text?: string;
  values?: unknown[];
}

const epochNow = () => performance.timeOrigin + performance.now();

export class PgProbe {
  private original: ((...args: unknown[]) => unknown) | undefined;
  private readonly statements = new Map<string, number>();
  private readonly transactions = new Map<string, number>();
  private readonly inTransaction = new WeakSet<object>();
  private readonly excluded = new WeakSet<object>();
  private readonly pending = new WeakMap<object, Mark[]>();
  /** Commit times (epoch ms) by MSH-10 (gateway), by HIS order id (LIS result, HIS timeline). */
  readonly committed: Record<Table, Map<string, number>> = {
    gw: new Map(),
    lisReport: new Map(),
    lis: new Map(),
    his: new Map(),
  };
  /** When the marked INSERT was sent (epoch ms), by the same keys: the transaction was still open then. */
  readonly issued: Record<Table, Map<string, number>> = {
    gw: new Map(),
    lisReport: new Map(),
    lis: new Map(),
    his: new Map(),
  };
  watching = false;

  /** The bench's own connections: not counted, not watched. */
  exclude(client: object): void {
    this.excluded.add(client);
  }

  install(): void {
    if (this.original) return;
    const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    this.original = original;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const probe = this;
    proto.query = function (this: Client & { database?: string }, ...args: unknown[]) {
      if (probe.excluded.has(this)) return original.apply(this, args);
      const db = this.database ?? '?';
      probe.statements.set(db, (probe.statements.get(db) ?? 0) + 1);
      const first = args[0];
      const text = typeof first === 'string' ? first : ((first as QueryConfigLike | undefined)?.text ?? '');
      // Transactions: an explicit one once (at its COMMIT), a statement outside one by itself (autocommit).
      if (text === 'START TRANSACTION' || text === 'BEGIN') probe.inTransaction.add(this);
      else if (text === 'COMMIT' || text === 'ROLLBACK') {
        probe.inTransaction.delete(this);
        if (text === 'COMMIT') probe.transactions.set(db, (probe.transactions.get(db) ?? 0) + 1);
      } else if (!probe.inTransaction.has(this))
        probe.transactions.set(db, (probe.transactions.get(db) ?? 0) + 1);
      if (!probe.watching) return original.apply(this, args);
      const values = (Array.isArray(args[1]) ? args[1] : (first as QueryConfigLike | undefined)?.values) as
        | unknown[]
        | undefined;
      const mark = markOf(text, values);
      if (mark) {
        const at = epochNow();
        for (const key of mark.keys)
          if (!probe.issued[mark.table].has(key)) probe.issued[mark.table].set(key, at);
        const list = probe.pending.get(this) ?? [];
        list.push(mark);
        probe.pending.set(this, list);
        return original.apply(this, args);
      }
      if (text === 'COMMIT') {
        const list = probe.pending.get(this);
        probe.pending.delete(this);
        const result = original.apply(this, args);
        if (list?.length && result instanceof Promise)
          void result.then(
            () => {
              const at = epochNow();
              for (const m of list)
                for (const key of m.keys)
                  if (!probe.committed[m.table].has(key)) probe.committed[m.table].set(key, at);
            },
            () => undefined,
          );
        return result;
      }
      if (text === 'ROLLBACK') probe.pending.delete(this);
      return original.apply(this, args);
    };
  }

  uninstall(): void {
    if (!this.original) return;
    (Client.prototype as unknown as { query: unknown }).query = this.original;
    this.original = undefined;
  }

  /**
   * Statements and transactions per database name since the last call (then counts again from zero). A
   * transaction is an explicit one (counted at its COMMIT) or a statement sent outside one (autocommit).
   */
  take(): { statements: Record<string, number>; transactions: Record<string, number> } {
    const out = {
      statements: Object.fromEntries(this.statements),
      transactions: Object.fromEntries(this.transactions),
    };
    this.statements.clear();
    this.transactions.clear();
    return out;
  }
}

function markOf(text: string, values: unknown[] | undefined): Mark | undefined {
  if (!values || text.charCodeAt(0) !== 73 /* I */) return undefined;
  // The gateway writes one row per message, or (group commit) a batch of rows with MSH-10 as an array.
  if (text.startsWith('INSERT INTO gw_message ('))
    return { table: 'gw', keys: Array.isArray(values[6]) ? values[6].map(String) : [String(values[6])] };
  // LIS takes an analyzer report in (its handler's first write), by the tube's barcode; then each result.
  if (text.startsWith('INSERT INTO lab_analyzer_report ('))
    return { table: 'lisReport', keys: [String(values[4])] };
  if (text.startsWith('INSERT INTO lab_result (')) return { table: 'lis', keys: [String(values[3])] };
  if (text.startsWith('INSERT INTO his_timeline_entry') && values[3] === 'lab-result') {
    try {
      const orderId = (JSON.parse(String(values[7])) as { orderId?: string }).orderId;
      return orderId ? { table: 'his', keys: [orderId] } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
