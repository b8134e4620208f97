/**
 * A modality's station as RIS schedules on it: (0040,0001) Scheduled Station AE Title (the modality's own AE
 * title, which it also uses to ask the worklist), (0040,0010) Scheduled Station Name, the modality it performs,
 * the department it belongs to, and the length of one procedure step (the slot grid, README "Scheduling").
 */
export interface Station {
  aeTitle: string;
  name: string;
  modality: string;
  departmentCode: string | null;
  slotMinutes: number;
  active: boolean;
}

export interface StationRow extends Station {
  updatedAt: Date;
}
