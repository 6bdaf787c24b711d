import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import { type BadgeView, formatDate } from '#shared/pages/badge-view.ts';
import { qrMatrix } from '#shared/pages/qr.ts';

/** A4 landscape, in points. */
const WIDTH = 841.89;
const HEIGHT = 595.28;
const MARGIN = 56;
const INK = rgb(0.106, 0.122, 0.141);
const MUTED = rgb(0.341, 0.376, 0.416);
const ACCENT = rgb(0.043, 0.361, 0.678);

/**
 * The standard PDF fonts ship inside every reader (nothing to embed or download) but encode WinAnsi only: a
 * character outside it is replaced, so a name in another script still yields a valid certificate.
 */
const encodable = (font: PDFFont, text: string) => {
  const supported = new Set(font.getCharacterSet());
  return [...text.normalize('NFC')].map((c) => (supported.has(c.codePointAt(0) ?? 0) ? c : '?')).join('');
};

const wrap = (font: PDFFont, text: string, size: number, maxWidth: number, maxLines: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= maxWidth || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]?.replace(/\s*\S*$/, '')}...`;
    return kept;
  }
  return lines;
};

export interface CertificateInput {
  view: BadgeView;
  /** The credential's public page: printed, and encoded in the QR code. */
  pageUrl: string;
}

/**
 * A printable certificate: issuer, achievement, description, dates, and a QR code to the credential's page where
 * anyone can verify it. It carries no personal data (the page does not either); the page is its proof.
 */
export const renderCertificatePdf = async ({ view, pageUrl }: CertificateInput): Promise<Uint8Array> => {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${view.name} — ${view.issuerName}`);
  pdf.setSubject('Digital credential certificate');
  pdf.setProducer('Laurel');
  pdf.setCreator('Laurel');
  const page = pdf.addPage([WIDTH, HEIGHT]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);

  page.drawRectangle({ x: 20, y: 20, width: WIDTH - 40, height: HEIGHT - 40, borderColor: ACCENT, borderWidth: 3 });
  page.drawRectangle({ x: 28, y: 28, width: WIDTH - 56, height: HEIGHT - 56, borderColor: ACCENT, borderWidth: 0.75 });

  const qrSide = 150;
  const textWidth = WIDTH - 2 * MARGIN - qrSide - 32;
  let y = HEIGHT - MARGIN - 20;
  const line = (text: string, font: PDFFont, size: number, color = INK, maxLines = 1, gap = 6) => {
    for (const l of wrap(font, encodable(font, text), size, textWidth, maxLines)) {
      page.drawText(l, { x: MARGIN, y, size, font, color });
      y -= size + gap;
    }
  };

  line(view.issuerName, bold, 16, ACCENT, 2);
  y -= 18;
  line('CERTIFICATE OF ACHIEVEMENT', regular, 12, MUTED);
  y -= 8;
  line(view.name, bold, 30, INK, 3, 8);
  y -= 10;
  if (view.description) line(view.description, regular, 12, INK, 5, 5);
  if (view.criteriaNarrative) {
    y -= 8;
    line(`Criteria: ${view.criteriaNarrative}`, regular, 10, MUTED, 4, 4);
  }
  y -= 12;
  if (view.validFrom) line(`Issued ${formatDate(view.validFrom)}`, regular, 12);
  if (view.validUntil) line(`Valid until ${formatDate(view.validUntil)}`, regular, 12);

  // The QR code, bottom right, with the URL under it for those who type.
  const { size, path } = qrMatrix(pageUrl);
  const scale = qrSide / size;
  const qrX = WIDTH - MARGIN - qrSide;
  const qrY = MARGIN + 40;
  page.drawRectangle({ x: qrX, y: qrY, width: qrSide, height: qrSide, color: rgb(1, 1, 1) });
  page.drawSvgPath(path, { x: qrX, y: qrY + qrSide, scale, color: rgb(0, 0, 0), borderWidth: 0 });
  page.drawText('Scan to verify', { x: qrX, y: qrY - 16, size: 10, font: bold, color: INK });

  const urlSize = 9;
  const url = encodable(regular, pageUrl);
  page.drawText('Verify this credential at', { x: MARGIN, y: MARGIN + 14, size: urlSize, font: regular, color: MUTED });
  page.drawText(url, { x: MARGIN, y: MARGIN, size: urlSize, font: regular, color: ACCENT });
  return pdf.save();
};
