// Stands in for @pdf-lib/standard-fonts (1.0.0, MIT) in Lambda bundles: the package's entry with its font table
// narrowed to the two fonts Laurel draws with, Helvetica and Helvetica-Bold (the PDF certificate,
// services/wallet/domain/certificate-pdf.ts). The package imports the metrics of all fourteen standard fonts, about
// 100 KB of a bundle, to load one on demand. `Encodings` is the package's own module; `FontNames` and `Font` are its
// es/Font.js in today's syntax, same fields and same loading, with a message naming this file for any other font.
// test/infra/bundling.test.ts renders the certificate from a bundle made with this stub and checks that it is byte for
// byte the one rendered from the sources.

import HelveticaCompressed from '../../../../node_modules/@pdf-lib/standard-fonts/es/Helvetica.compressed.json' with {
  type: 'json',
};
import HelveticaBoldCompressed from '../../../../node_modules/@pdf-lib/standard-fonts/es/Helvetica-Bold.compressed.json' with {
  type: 'json',
};
import { decompressJson } from '../../../../node_modules/@pdf-lib/standard-fonts/es/utils.js';

export * from '../../../../node_modules/@pdf-lib/standard-fonts/es/Encoding.js';

const compressedJsonForFontName = {
  Helvetica: HelveticaCompressed,
  'Helvetica-Bold': HelveticaBoldCompressed,
};

/** All fourteen names, as the package has them: pdf-lib tells a standard font's name from a custom one by them. */
export const FontNames = {
  Courier: 'Courier',
  CourierBold: 'Courier-Bold',
  CourierOblique: 'Courier-Oblique',
  CourierBoldOblique: 'Courier-BoldOblique',
  Helvetica: 'Helvetica',
  HelveticaBold: 'Helvetica-Bold',
  HelveticaOblique: 'Helvetica-Oblique',
  HelveticaBoldOblique: 'Helvetica-BoldOblique',
  TimesRoman: 'Times-Roman',
  TimesRomanBold: 'Times-Bold',
  TimesRomanItalic: 'Times-Italic',
  TimesRomanBoldItalic: 'Times-BoldItalic',
  Symbol: 'Symbol',
  ZapfDingbats: 'ZapfDingbats',
};

const fontCache = {};

export class Font {
  getWidthOfGlyph = (glyphName) => this.CharWidths[glyphName];

  getXAxisKerningForPair = (leftGlyphName, rightGlyphName) => this.KernPairXAmounts[leftGlyphName]?.[rightGlyphName];

  static load(fontName) {
    const cachedFont = fontCache[fontName];
    if (cachedFont) return cachedFont;
    const compressed = compressedJsonForFontName[fontName];
    if (!compressed) {
      throw new Error(
        `the standard font ${fontName} is not in this bundle (infra/constructs/bundle-stubs/pdf-standard-fonts)`,
      );
    }
    const font = Object.assign(new Font(), JSON.parse(decompressJson(compressed)));
    font.CharWidths = font.CharMetrics.reduce((acc, metric) => {
      acc[metric.N] = metric.WX;
      return acc;
    }, {});
    font.KernPairXAmounts = font.KernPairs.reduce((acc, [name1, name2, width]) => {
      if (!acc[name1]) acc[name1] = {};
      acc[name1][name2] = width;
      return acc;
    }, {});
    fontCache[fontName] = font;
    return font;
  }
}
