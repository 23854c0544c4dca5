/**
 * Colours that work for colour-blind readers (NHS digital service manual): NHS blue against NHS
 * warm yellow/orange, with grey for "unknown"; each series also has its own decal pattern (ECharts'
 * aria decals) and a legend, and the table beside every chart holds the same figures, so no
 * meaning rests on colour alone.
 */
export const COLOURS = {
  compliant: '#005eb8',
  nonCompliant: '#ED8B00',
  unknown: '#768692',
  nhsBlue: '#005eb8',
  darkBlue: '#003087',
  purple: '#330072',
  orange: '#ED8B00',
  grey: '#768692',
  paleGrey: '#d8dde0',
  text: '#212b32',
} as const;

/** The chart text style: the page's font and NHS text colour. */
export const TEXT_STYLE = { fontFamily: 'Arial, sans-serif', color: COLOURS.text, fontSize: 14 } as const;
