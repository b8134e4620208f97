import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { ServiceEvents } from '@hosp/platform-runtime';

export const ts = (d: Date): Timestamp => timestampFromDate(d);

/** Claims events go through the platform's outbox writer (ServiceEvents); the alias keeps the code readable. */
export { ServiceEvents as ClaimsEvents };
