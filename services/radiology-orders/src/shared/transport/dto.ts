import { InvalidRequestError, type RequestContext } from '@hosp/platform-runtime';
import { Transform } from 'class-transformer';

/** Query strings arrive as text; numeric query fields convert before validation. */
export const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value));

/**
 * Who acts. Reschedules, cancellations and every report step are recorded with the user; until authentication
 * lands it is the x-actor-id header (recorded, not trusted: README "Gaps").
 */
export function requireActor(ctx: RequestContext): string {
  if (!ctx.actorId) throw InvalidRequestError.field('x-actor-id', 'the acting user is required (header)');
  return ctx.actorId;
}
