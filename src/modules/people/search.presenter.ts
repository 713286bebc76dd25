import { formatDate } from '../../platform/format.js';
import type { PersonMatch } from './search.repository.js';

const KIND_LABELS: Record<string, string> = { known_as: 'known as', previous: 'previously', alternative_spelling: 'also spelt', legal: '' };

export function presentMatch(match: PersonMatch) {
  const primary = `${match.given_name} ${match.family_name}`;
  const matched = `${match.matched_given} ${match.matched_family}`;
  return {
    href: `/people/${match.id}`,
    name: primary,
    alsoMatched: matched !== primary ? `${KIND_LABELS[match.matched_kind] ?? ''} ${matched}`.trim() : '',
    born: match.date_of_birth ? formatDate(match.date_of_birth) : match.estimated_age !== null ? `About ${match.estimated_age} years old` : 'Not known',
    agency: match.agency_name,
  };
}
