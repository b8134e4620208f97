import { foldVietnamese } from './vietnamese-text';

describe('foldVietnamese', () => {
  it.each([
    ['Nguyễn Văn Đức', 'nguyen van duc'],
    ['  TRẦN   thị\tHƯƠNG \n', 'tran thi huong'],
    ['Đặng Thùy Dương', 'dang thuy duong'],
    ['Phạm Ngọc Ánh', 'pham ngoc anh'],
    ['Lê Hữu Ước', 'le huu uoc'],
    ['', ''],
    ['John Smith', 'john smith'],
  ])('%p -> %p', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });

  it('folds every accented vowel to its base letter', () => {
    expect(foldVietnamese('àáảãạăằắẳẵặâầấẩẫậ èéẻẽẹêềếểễệ ìíỉĩị òóỏõọôồốổỗộơờớởỡợ ùúủũụưừứửữự ỳýỷỹỵ')).toBe(
      'aaaaaaaaaaaaaaaaa eeeeeeeeeee iiiii ooooooooooooooooo uuuuuuuuuuu yyyyy',
    );
    expect(foldVietnamese('ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ ĐđƯƠ')).toBe('aaaaaaaaaaaaaaaaa dduo');
  });

  it('gives NFC and NFD input the same key', () => {
    const nfc = 'Nguyễn Thị Hồng Nhung'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(foldVietnamese(nfd)).toBe(foldVietnamese(nfc));
  });
});
