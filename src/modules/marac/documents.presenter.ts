import { formatDateTime, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { ActionRow } from './action.repository.js';
import type { ItemRow } from './agenda.repository.js';
import type { ActionPlanDocument, AgendaDocument, DocumentBase, DocumentKind, MinutesDocument } from './documents.service.js';
import { meetingTitle, presentItem, when } from './marac.presenter.js';
import { minuteTag, presentAction, presentAmendment, presentMinute } from './meeting-day.presenter.js';

/**
 * A meeting's documents as view models (locale keys "marac.documents.*"): the same words for the PDF
 * (agenda.pdf.ts, minutes.pdf.ts, action-plan.pdf.ts) and the print-friendly page (views/document-*.njk).
 */
const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

const slug = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function presentBase(kind: DocumentKind, document: DocumentBase) {
  const { meeting, viewer } = document;
  const present = [...new Set(document.attendance.filter((a) => a.status === 'present').map((a) => a.agency_name))].sort((a, b) => a.localeCompare(b));
  return {
    kind,
    meetingId: meeting.id,
    title: t(`marac.documents.${kind}.title`, { meeting: meetingTitle(meeting) }),
    subject: t(`marac.documents.${kind}.subject`),
    filename: `marac-${kind}-${slug(meeting.area_name)}-${meeting.meeting_date}`,
    prepared: t('marac.documents.prepared', { when: formatDateTime(document.preparedAt), name: viewer.displayName, agency: viewer.agencyName }),
    author: t('marac.meeting.staffChoice', { name: viewer.displayName, agency: viewer.agencyName }),
    distribution: t(kind === 'agenda' ? 'marac.documents.distribution.agenda' : 'marac.documents.distribution.meeting'),
    details: [
      [t('marac.meeting.when'), when(meeting)],
      [t('marac.meeting.place'), meeting.place],
      [t('marac.meeting.area'), meeting.area_name],
      [t('marac.documents.invited'), document.invited.map((a) => a.name).join(', ') || t('marac.documents.noneInvited')],
      [t('marac.documents.present'), present.join(', ') || t('marac.documents.noneRecorded')],
    ] as [string, string][],
    links: {
      pdf: `/marac/meetings/${meeting.id}/${kind}.pdf`,
      back: kind === 'agenda' ? `/marac/meetings/${meeting.id}` : `/marac/meetings/${meeting.id}/day`,
    },
  };
}

export type DocumentView = ReturnType<typeof presentBase>;

/** One agenda case: who it is about (initials only), what kind of case and how high the risk. */
const presentCase = (item: ItemRow, document: DocumentBase) => {
  const shown = presentItem(item, document.meeting, { coordinator: false });
  return {
    id: item.id,
    position: shown.position,
    caseReference: shown.caseReference,
    initials: shown.initials,
    dateOfBirth: shown.dateOfBirth,
    area: shown.area,
    kind: shown.kind.text,
    risk: shown.risk,
    heading: t('marac.documents.caseHeading', { position: shown.position, reference: shown.caseReference }),
    about: t('marac.documents.caseAbout', { initials: shown.initials, dateOfBirth: shown.dateOfBirth, kind: shown.kind.text, risk: shown.risk }),
  };
};

export function presentAgendaDocument(document: AgendaDocument) {
  return { ...presentBase('agenda', document), cases: document.items.map((item) => presentCase(item, document)) };
}

export type AgendaView = ReturnType<typeof presentAgendaDocument>;

export function presentMinutesDocument(document: MinutesDocument) {
  return {
    ...presentBase('minutes', document),
    attendance: document.attendance.map((a) => ({ name: a.display_name, agency: a.agency_name, status: t(`marac.meeting.attendance.${a.status}`) })),
    cases: document.items.map((item) => {
      const minute = document.minutes.get(item.id);
      const shown = minute ? presentMinute(minute) : null;
      const notRecorded = t('marac.meeting.minutes.notRecorded');
      return {
        ...presentCase(item, document),
        status: minuteTag(minute?.status ?? 'none').text,
        statusNote: shown ? (shown.finalised ?? shown.drafted) : t('marac.meeting.minutes.none'),
        sections: shown
          ? [
              { label: t('marac.meeting.minutes.idvaView'), text: shown.idvaView || notRecorded },
              { label: t('marac.meeting.minutes.summary'), text: shown.summary || notRecorded },
              { label: t('marac.meeting.minutes.risks'), text: shown.risks || notRecorded },
            ]
          : [],
        amendments: minute ? (document.amendments.get(minute.id) ?? []).map(presentAmendment) : [],
        final: minute?.status === 'final',
      };
    }),
  };
}

export type MinutesView = ReturnType<typeof presentMinutesDocument>;

function presentPlanAction(action: ActionRow, today: string) {
  const shown = presentAction(action, today);
  return {
    caseReference: shown.caseReference,
    description: shown.description,
    agency: shown.agency,
    assigned: shown.assigned,
    due: shown.due,
    status: shown.tag.text,
    update: shown.done ? [shown.completed, shown.completionNote].filter(Boolean).join(': ') : '',
  };
}

export function presentActionPlanDocument(document: ActionPlanDocument, today = londonToday()) {
  const byItem = new Map<string, ActionRow[]>();
  for (const action of document.actions) byItem.set(action.agenda_item_id, [...(byItem.get(action.agenda_item_id) ?? []), action]);
  const position = new Map(document.items.map((item) => [item.id, item.position]));
  const byAgency = new Map<string, ActionRow[]>();
  const inAgendaOrder = [...document.actions].sort((a, b) => (position.get(a.agenda_item_id) ?? 0) - (position.get(b.agenda_item_id) ?? 0));
  for (const action of inAgendaOrder) byAgency.set(action.agency_name, [...(byAgency.get(action.agency_name) ?? []), action]);
  return {
    ...presentBase('action-plan', document),
    count: document.actions.length,
    cases: document.items.map((item) => ({
      ...presentCase(item, document),
      actions: (byItem.get(item.id) ?? []).map((a) => presentPlanAction(a, today)),
    })),
    agencies: [...byAgency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([agency, actions]) => ({ agency, actions: actions.map((a) => presentPlanAction(a, today)) })),
  };
}

export type ActionPlanView = ReturnType<typeof presentActionPlanDocument>;
