const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Parses an Elastic rule duration (`interval = "5m"`, `duration.value + unit`) into ms.
 * Returns undefined when the text is not `<number><unit>` with unit ms, s, m, h, d or w.
 * @example parseDuration('5m') === 300_000
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * unitMs[m[2]!]!;
}

/**
 * Parses the relative date math Elastic rules use for `from` and `history_window_start`
 * (`now-25m`, `now-7d`, optionally with rounding `/d`, ignored) into a look-back length in ms.
 * @example parseNowMinus('now-25m') === 1_500_000
 */
export function parseNowMinus(text: string): number | undefined {
  const m = /^\s*now\s*-\s*(\d+)\s*(ms|s|m|h|d|w)(\/[smhdw])?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * unitMs[m[2]!]!;
}
