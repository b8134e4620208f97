/**
 * Accent-insensitive folding of Vietnamese text, for patient search in the HIS ("Nguyễn Văn Đức" and
 * "nguyen van duc" fold to the same key). Unicode NFD splits each precomposed letter into its base letter and
 * combining marks (tones and the circumflex, breve and horn of â ă ê ô ơ ư), which are then dropped. Đ/đ is a
 * letter of its own, not a d with a mark, so it is mapped explicitly. Input may be NFC or NFD (e.g. from
 * macOS or HL7 messages): both fold alike.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
