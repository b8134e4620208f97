/**
 * The hospital's calendar day of an instant. Queue numbers restart and check-ins are counted per local day,
 * so the service works in the facility's time zone (Vietnam has one, UTC+7, no daylight saving).
 */
export const FACILITY_UTC_OFFSET_MINUTES = 7 * 60;

export function facilityDate(at: Date): string {
  return new Date(at.getTime() + FACILITY_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}
