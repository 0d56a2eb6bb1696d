// The one organization the emulator's platform API belongs to (conversations, detail events and the
// token's owner name it). A fixed id so it can be documented and configured once.
export const EMULATOR_ORGANIZATION = {
  id: '6b1f0c9e-2a57-4e4b-8d3a-0e5f7c2d9a41',
  name: 'Genesys emulator',
} as const;

/** The division every emulated entity lives in (detail events carry `divisionId`, §4.6). */
export const EMULATOR_DIVISION_ID = '3c9d2f71-5e08-4b6a-9f14-7a2e6d0b8c35';
