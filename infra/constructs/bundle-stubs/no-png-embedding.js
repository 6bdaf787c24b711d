// Stands in for @pdf-lib/upng (pdf-lib's PNG decoder, with its own copy of pako: about 70 KB of a bundle) in Lambda
// bundles. pdf-lib calls it only from `embedPng`, which Laurel never calls: the PDF certificate draws text, rectangles
// and its QR code as a vector path (services/wallet/domain/certificate-pdf.ts). test/infra/bundling.test.ts renders the
// certificate from a bundle made with this stub, so a certificate that started embedding a PNG would fail there.
const refuse = () => {
  throw new Error(
    'PNG images are not embedded in PDFs in Lambda bundles (infra/constructs/bundle-stubs/no-png-embedding.js)',
  );
};
export default { decode: refuse, toRGBA8: refuse };
