/** Coded values of incidents and referrals; labels are in the locale file under "referrals.codes". */
export const INCIDENT_TYPES = [
  'physical',
  'sexual',
  'violent_threatening',
  'controlling_coercive',
  'economic',
  'psychological_emotional',
  'stalking_harassment',
  'honour_based',
  'forced_marriage',
  'fgm',
] as const;
export const INJURIES = ['none', 'minor', 'serious', 'not_known'] as const;
export const CHILDREN_PRESENT = ['yes', 'no', 'not_known'] as const;
export const LOCATION_TYPES = ['victim_home', 'shared_home', 'perpetrator_home', 'public_place', 'workplace', 'online', 'other'] as const;

export const DESTINATIONS = ['marac', 'idva', 'ask', 'perpetrator_programme', 'childrens_services', 'other'] as const;
export const CRITERIA = ['visible_high_risk', 'professional_judgement', 'potential_escalation', 'repeat'] as const;
export const CONSENT_STATUSES = ['given', 'refused', 'not_sought'] as const;
export const DECLINE_CODES = ['does_not_meet_criteria', 'already_open', 'moved_area', 'insufficient_information', 'other'] as const;

/**
 * Lawful bases for sharing without consent (DOMAIN.md §6). Stored as codes so a referral's basis can be counted;
 * the locale holds the wording shown.
 */
export const LAWFUL_BASES = ['public_task_substantial_public_interest', 'safeguarding', 'vital_interests', 'crime_prevention', 'legal_obligation'] as const;
