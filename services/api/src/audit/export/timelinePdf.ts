import PDFDocument from 'pdfkit';
import { cjkFont } from './cjkFont.js';
import { entryStanding, summaryRows, type Timeline } from './timeline.js';

const INK = '#222222';
const MUTED = '#666666';
const STANDING = '#003366';
const BAD = '#b00020';

/**
 * The timeline as a PDF (A4) with Noto Sans SC embedded, so that Chinese is real text — it prints,
 * searches and copies — on any reader, without the system and without fonts installed.
 * @example await writeFile('timeline.pdf', await renderTimelinePdf(timeline))
 */
export async function renderTimelinePdf(t: Timeline): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 50, left: 55, right: 55 },
    bufferPages: true,
    lang: t.words.lang,
    displayTitle: true,
    info: { Title: `${t.words.title} ${t.registrationNumber ?? t.caseId}`, Author: 'Disclosure Engine', Subject: t.caseId, CreationDate: new Date(t.exportedInstant) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', await cjkFont());
  doc.font('cjk');
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  doc.fontSize(17).fillColor(INK).text(t.words.title);
  doc.moveDown(0.6);
  for (const [label, value] of summaryRows(t)) {
    doc.fontSize(9).fillColor(MUTED).text(`${label}${t.words.colon}`, { continued: true }).fontSize(10).fillColor(label === t.words.labels.chain && !t.chain.ok ? BAD : INK).text(value);
    doc.moveDown(0.15);
  }
  doc.moveDown(0.8);

  const badRevision = t.chain.ok ? -1 : t.chain.firstBad.revision;
  for (const e of t.entries) {
    const head = t.words.entryHead(e);
    const standing = entryStanding(t, e);
    const height =
      doc.fontSize(10.5).heightOfString(head, { width }) + doc.fontSize(10).heightOfString(e.words, { width }) + doc.fontSize(9).heightOfString(standing, { width }) + doc.fontSize(7).heightOfString(e.hash, { width }) + 14;
    if (doc.y + height > bottom()) doc.addPage();
    doc.moveTo(doc.page.margins.left, doc.y).lineTo(doc.page.margins.left + width, doc.y).lineWidth(0.5).strokeColor('#cccccc').stroke();
    doc.moveDown(0.3);
    doc.fontSize(10.5).fillColor(e.revision === badRevision ? BAD : INK).text(head, { width });
    doc.fontSize(10).fillColor(INK).text(e.words, { width });
    doc.fontSize(9).fillColor(STANDING).text(standing, { width });
    doc.fontSize(7).fillColor(MUTED).text(`hash ${e.hash}`, { width });
    doc.moveDown(0.5);
  }
  doc.moveDown(0.5);
  doc.fontSize(8.5).fillColor(MUTED).text(t.words.howToVerify, { width });

  // page numbers, written into the bottom margin (which pdfkit would otherwise answer with a new page)
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).fillColor(MUTED).text(t.words.page(t.registrationNumber ?? t.caseId, i + 1, pages.count), doc.page.margins.left, doc.page.height - margin + 18, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return finished;
}
