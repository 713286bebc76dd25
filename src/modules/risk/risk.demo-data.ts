import type { RiskLevel } from './risk.instrument.js';

/**
 * Invented risk histories for the demo cases (case.demo-data.ts), by victim's family name. Each assessment is made
 * by a demo user whose agency can see the case; `yes` and `notKnown` are question numbers, every other answer is no.
 */
export type DemoAssessor = 'practitioner' | 'idva' | 'chair' | 'rep';
export type DemoAssessment = {
  by: DemoAssessor;
  daysAgo: number;
  instrument?: 's-dash' | 'h-dash';
  yes: number[];
  notKnown?: number[];
  /** The assessor's level: a raise by professional judgement on the DASH (with reasons), the level on S-DASH and H-DASH. */
  level?: RiskLevel;
  rationale?: string;
  victimAbsent?: true;
  /** Left as a draft with only the first sections answered. */
  draftSections?: number;
};

export const RISK_HISTORIES: { victim: string; assessments: DemoAssessment[] }[] = [
  {
    victim: 'Castell',
    assessments: [
      { by: 'chair', daysAgo: 195, yes: [1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 24], notKnown: [18, 21], victimAbsent: true },
      { by: 'idva', daysAgo: 120, yes: [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 14, 15, 23, 24] },
      { by: 'idva', daysAgo: 119, instrument: 's-dash', yes: [1, 2, 4, 5, 6, 7, 9], level: 'high' },
      { by: 'idva', daysAgo: 30, yes: [2, 3, 4, 6, 7, 8, 9, 11, 12, 20, 23, 24] },
    ],
  },
  {
    victim: 'Whitaker',
    assessments: [
      { by: 'chair', daysAgo: 44, yes: [2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 18, 21, 23, 24] },
      { by: 'idva', daysAgo: 40, instrument: 's-dash', yes: [1, 2, 3, 5, 6, 11], notKnown: [9], level: 'high' },
    ],
  },
  {
    victim: 'Nwosu',
    assessments: [
      { by: 'idva', daysAgo: 118, yes: [2, 3, 4, 5, 10, 12, 20, 21], notKnown: [24] },
      { by: 'idva', daysAgo: 60, yes: [1, 2, 3, 4, 5, 10, 11, 12, 13, 16, 20, 21, 22] },
    ],
  },
  {
    victim: 'Siddiqui',
    assessments: [
      { by: 'practitioner', daysAgo: 88, instrument: 'h-dash', yes: [1, 2, 3, 4, 5, 7, 9], level: 'high' },
      {
        by: 'practitioner',
        daysAgo: 88,
        yes: [2, 3, 4, 5, 6, 12, 16, 17, 20],
        level: 'high',
        rationale:
          'Her brother and father are both involved and the honour-based abuse screening shows plans to take her abroad to marry. The checklist score does not show that risk.',
      },
    ],
  },
  { victim: 'Delaney', assessments: [{ by: 'chair', daysAgo: 149, yes: [1, 2, 3, 7, 10, 11, 12, 20, 21, 24] }] },
  { victim: 'Vance', assessments: [{ by: 'chair', daysAgo: 58, yes: [1, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 19, 21, 23, 24] }] },
  {
    victim: 'Kowalczyk',
    assessments: [
      { by: 'idva', daysAgo: 135, yes: [1, 2, 3, 4, 5, 7, 10, 11, 12, 17, 18, 20], notKnown: [24] },
      { by: 'idva', daysAgo: 70, yes: [1, 2, 3, 4, 5, 7, 10, 11, 12, 13, 14, 16, 17, 18, 20, 21, 23] },
    ],
  },
  {
    victim: 'Farouk',
    assessments: [
      { by: 'chair', daysAgo: 94, yes: [1, 2, 3, 4, 9, 10, 11, 12, 14, 15, 17, 20, 21, 24] },
      { by: 'idva', daysAgo: 40, yes: [2, 3, 4, 9, 10, 11, 12, 17, 20, 21, 24] },
    ],
  },
  {
    victim: 'Roper',
    assessments: [
      { by: 'rep', daysAgo: 390, yes: [2, 3, 6, 7, 10, 12, 20] },
      { by: 'rep', daysAgo: 300, yes: [2, 3, 6, 7, 10, 11, 12, 20, 23, 24] },
    ],
  },
  { victim: 'Patel', assessments: [{ by: 'idva', daysAgo: 78, yes: [1, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 18, 21, 23, 24] }] },
  { victim: 'Osei', assessments: [{ by: 'idva', daysAgo: 9, yes: [2, 3, 9, 12], notKnown: [5], draftSections: 2 }] },
];
