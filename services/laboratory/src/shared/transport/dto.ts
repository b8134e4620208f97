import { InvalidRequestError, type RequestContext } from '@hosp/platform-runtime';
import { Transform } from 'class-transformer';

/** Query strings arrive as text; numeric query fields convert before validation. */
export const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value));

/**
 * Who acts: the subject of the verified bearer token (docs/adr/0011-authentication.md). An empty subject cannot
 * be recorded, so it is refused; the field keeps the name earlier clients knew.
 */
export function requireActor(ctx: RequestContext): string {
  if (!ctx.actorId)
    throw InvalidRequestError.field('x-actor-id', 'the acting user is required (the token has no subject)');
  return ctx.actorId;
}
