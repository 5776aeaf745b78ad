import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * Noto Sans SC Regular (SIL Open Font License), a TrueType font with the glyphs of simplified
 * Chinese, from the npm package `@expo-google-fonts/noto-sans-sc`: the timeline PDF embeds it so that
 * Chinese renders as text on any reader. pdfkit embeds only the glyphs used (a subset), so a
 * timeline stays tens of kilobytes although the file is 10 MB.
 */
export const CJK_FONT_FILE = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

let font: Promise<Buffer> | undefined;

/**
 * The font's bytes, read once per process.
 * @example doc.registerFont('cjk', await cjkFont())
 */
export function cjkFont(): Promise<Buffer> {
  font ??= readFile(CJK_FONT_FILE).catch((e: unknown) => {
    font = undefined; // a failed read is retried by the next export
    throw e;
  });
  return font;
}
