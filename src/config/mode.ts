/** How OpenTeller runs: `sandbox` (demo bank, developer conveniences) or `production`. */
export type Mode = 'sandbox' | 'production';
