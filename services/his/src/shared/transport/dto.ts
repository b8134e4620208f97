import { Transform } from 'class-transformer';

/** Query strings arrive as text; numeric query fields convert before validation. */
export const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value));

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
