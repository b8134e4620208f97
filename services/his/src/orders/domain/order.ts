export const ORDER_STATUSES = [
  'placed',
  'scheduled',
  'in-progress',
  'performed',
  'completed',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PRIORITIES = ['routine', 'urgent', 'stat'] as const;
export type OrderPriority = (typeof PRIORITIES)[number];

/** Progress rank: an order only moves forward (events can arrive late or twice; a late one changes nothing). */
const RANK: Record<OrderStatus, number> = {
  placed: 0,
  scheduled: 1,
  'in-progress': 2,
  performed: 3,
  completed: 4,
  cancelled: 5,
};

/** Whether the performing department's news moves the order on. A cancelled or completed order stays put. */
export function advances(from: OrderStatus, to: OrderStatus): boolean {
  if (from === 'cancelled' || from === 'completed') return false;
  return RANK[to] > RANK[from] && to !== 'cancelled';
}

/** An order can be cancelled by the clinician until the department has started on it. */
export function cancellable(s: OrderStatus): boolean {
  return s === 'placed' || s === 'scheduled';
}
