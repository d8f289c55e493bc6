// Test-side seam (never shipped): `node --import` this to move the process's clock by
// CERTCTL_TEST_CLOCK_SHIFT_MS, so that list/check see a certificate weeks later without waiting.
// The certificate files are untouched; only `new Date()` / `Date.now()` move.
const shift = Number(process.env.CERTCTL_TEST_CLOCK_SHIFT_MS ?? 0);
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + shift);
    else super(...args);
  }
  static now() {
    return RealDate.now() + shift;
  }
}
globalThis.Date = ShiftedDate;
