/** qrcode's encoder module (qr.ts imports it alone): its `create` is the one the package's entry re-exports. */
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
