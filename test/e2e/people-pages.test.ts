import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedCasesDemo } from '../../src/modules/people/case.demo.js';
import { yearsBetween } from '../../src/modules/people/case.schemas.js';
import { seedPeopleDemo } from '../../src/modules/people/person.demo.js';
import { londonToday } from '../../src/platform/format.js';
import AddressFormPage from './pages/people/addressFormPage.js';
import CaseEditPage from './pages/people/caseEditPage.js';
import CaseListPage from './pages/people/caseListPage.js';
import CaseNewPage from './pages/people/caseNewPage.js';
import CasePage from './pages/people/casePage.js';
import CasePersonFormPage from './pages/people/casePersonFormPage.js';
import ContactFormPage from './pages/people/contactFormPage.js';
import PersonFormPage from './pages/people/personFormPage.js';
import PersonListPage from './pages/people/personListPage.js';
import PersonPage from './pages/people/personPage.js';
import RestrictionPage from './pages/people/restrictionPage.js';
import SearchPage from './pages/people/searchPage.js';
import { IDVA, PRACTITIONER, signInAs, type StaffMember } from './pages/people/staff.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { launchBrowser, startApp, type RunningApp } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

const TODAY = londonToday();
const [YEAR, MONTH, DAY] = TODAY.split('-') as [string, string, string];
const today = { day: String(Number(DAY)), month: String(Number(MONTH)), year: YEAR };
// Demo people and cases (src/modules/people/person.demo.ts, case.demo-data.ts) recorded by Children's Social Care.
const AISHA = { name: 'Aisha Rahman', born: `12 April 1991 (age ${yearsBetween('1991-04-12', TODAY)})` };
const AMIRA = 'Amira Castell'; // a case of theirs with a perpetrator and two children, shared with the IDVA service and the police

let running: RunningApp;
let browser: Browser;

before(async () => {
  running = await startApp();
  await seedPeopleDemo(running.t.database.db, running.t.partnershipId);
  await seedCasesDemo(running.t.database.db, running.t.partnershipId);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await running?.close();
});

/** A signed-in tab of its own for each describe block. */
function signedIn(who: StaffMember, javaScriptEnabled = true) {
  const session = { page: undefined as unknown as Page, context: undefined as unknown as BrowserContext };
  before(async () => {
    session.context = await browser.newContext({ javaScriptEnabled });
    session.page = await session.context.newPage();
    await signInAs(session.page, running.baseUrl, who);
  });
  after(() => session.context?.close());
  return session;
}

describe('People pages, as the practitioner in Children’s Social Care', () => {
  const s = signedIn(PRACTITIONER);
  let aishaUrl = '';
  const openAisha = async () => PersonPage.verifyOnPage(await s.page.goto(aishaUrl).then(() => s.page), AISHA.name);

  it('the person list shows the people their agency recorded or can see through a case', async () => {
    await s.page.goto(`${running.baseUrl}/people`);
    const list = await PersonListPage.verifyOnPage(s.page);
    assert.match(await list.caption(), /^\d+ people$/);
    assert.deepEqual((await list.rows()).find((r) => r[0] === AISHA.name)?.slice(0, 3), [AISHA.name, AISHA.born, PRACTITIONER.agency]);
    await checkAccessibility(s.page, 'people');
  });

  it('a person page puts safe contact first: safe phone, code word, safe times and a letters warning', async () => {
    await (await PersonListPage.verifyOnPage(s.page)).open(AISHA.name);
    const person = await PersonPage.verifyOnPage(s.page, AISHA.name);
    aishaUrl = s.page.url();
    assert.ok(await person.safeContactComesFirst());
    assert.deepEqual(await person.safeContactWarnings(), ['Do not write to their home address.']);
    const safe = await person.safeContactDetails();
    assert.equal(safe['Safe phone numbers and email addresses'], 'Phone: 07700 900100 (Her own phone: he does not know the number)');
    assert.deepEqual([safe['Safe times to call'], safe['Code word']], ['Weekdays 10am to 2pm', 'Bluebell']);
    assert.equal((await person.details())['Names'], `${AISHA.name} (legal name) | Ais Rahman (Known as)`);
    await checkAccessibility(s.page, 'person page');
  });

  it('the edit page shows the record; a date of birth in the future is refused with an error summary', async () => {
    await (await PersonPage.verifyOnPage(s.page, AISHA.name)).change();
    const form = await PersonFormPage.verifyOnPage(s.page, AISHA.name);
    const shown = [form.name.getByLabel('Given names'), form.dateOfBirth.getByLabel('Year'), form.codeWord].map((field) => field.inputValue());
    assert.deepEqual(await Promise.all(shown), ['Aisha', '1991', 'Bluebell']);
    await checkAccessibility(s.page, 'change a person');

    const nextYear = String(Number(YEAR) + 1);
    await form.fillDateOfBirth({ day: '12', month: '4', year: nextYear });
    await form.save();
    const withErrors = await PersonFormPage.verifyOnPage(s.page, AISHA.name);
    assert.match(s.page.url(), /\/people\/[0-9a-f-]{36}\/edit$/);
    assert.deepEqual(await checkErrorSummary(s.page), ['Date of birth must be today or in the past']);
    assert.equal(await withErrors.dateOfBirth.getByLabel('Year').inputValue(), nextYear, 'what was typed is kept');
    await checkAccessibility(s.page, 'change a person with errors');
    assert.equal((await (await openAisha()).details())['Date of birth or age'], AISHA.born, 'nothing was saved');
  });

  it('the address form explains its errors, adds a safe address and shows it for changing', async () => {
    await (await openAisha()).addAddress();
    const form = await AddressFormPage.verifyOnPage(s.page);
    await checkAccessibility(s.page, 'add an address');
    await form.postcode.fill('HB3');
    await form.save();
    await AddressFormPage.verifyOnPage(s.page);
    assert.deepEqual(await checkErrorSummary(s.page), ['Enter the first line of the address', 'Enter a full UK postcode, like AA1 1AA']);
    await checkAccessibility(s.page, 'add an address with errors');

    await form.save({ line1: '14 Ferry Close', town: 'Riverside', postcode: 'hb3 4qt', safe: true });
    const person = await PersonPage.verifyOnPage(s.page, AISHA.name);
    assert.equal(await person.notice(), 'Address added');
    const address = '14 Ferry Close, Riverside, HB3 4QT';
    assert.ok((await person.addressRows()).some((r) => r[0] === address && r[1]?.startsWith('Current Safe')));
    assert.equal((await person.safeContactDetails())['Safe addresses'], address);
    await person.changeAddress(address);
    const change = await AddressFormPage.verifyOnPage(s.page, true);
    assert.equal(await change.line1.inputValue(), '14 Ferry Close');
    assert.deepEqual(await change.flagStates(), {
      'This is where they live now': true,
      'It is safe to contact them here': true,
      'Confidential refuge address': false,
    });
    await checkAccessibility(s.page, 'change an address');
  });

  it('the email form explains its errors and adds an email address', async () => {
    await (await openAisha()).addEmail();
    const email = await ContactFormPage.verifyOnPage(s.page, 'email');
    await checkAccessibility(s.page, 'add an email address');
    await email.add({ value: 'aisha.rahman@example', note: 'Work' });
    await ContactFormPage.verifyOnPage(s.page, 'email');
    assert.deepEqual(await checkErrorSummary(s.page), ['Enter an email address in the correct format, like name@example.com']);
    assert.equal(await email.note.inputValue(), 'Work');
    await checkAccessibility(s.page, 'add an email address with errors');
    await email.add({ value: 'aisha.r@example.org' });
    const person = await PersonPage.verifyOnPage(s.page, AISHA.name);
    assert.equal(await person.notice(), 'Email address added');
    assert.ok((await person.contactRows()).some((r) => r[0] === 'Email' && r[1] === 'aisha.r@example.org | Work' && r[2] === 'Not known to be safe'));
    await checkAccessibility(s.page, 'person page with an email address'); // the phone form is in people-journey.test.ts
  });

  it('the person’s “must not see” page lists nobody yet, explains a missing reason and adds an agency', async () => {
    await (await openAisha()).restrictions();
    const restrictions = await RestrictionPage.verifyOnPage(s.page);
    assert.equal(await restrictions.caption(), `${AISHA.name}, ${AISHA.born}`);
    assert.ok(await s.page.getByText('Nobody is on the list.').isVisible());
    await checkAccessibility(s.page, 'person must-not-see list');
    await restrictions.panel.add({ agency: 'Harbourshire Police', reason: '' });
    await RestrictionPage.verifyOnPage(s.page);
    assert.deepEqual(await checkErrorSummary(s.page), ['Enter why they must not see this record']);
    await checkAccessibility(s.page, 'person must-not-see list with errors');
    await restrictions.panel.add({ agency: 'Harbourshire Police', reason: 'A police officer there is her brother' });
    assert.equal(await restrictions.notice(), 'Added to the “must not see” list');
    const [row] = await restrictions.panel.rows();
    assert.deepEqual(row?.slice(0, 2), ['Everyone at Harbourshire Police', 'A police officer there is her brother']);
    await checkAccessibility(s.page, 'person must-not-see list with an entry');
  });

  it('search: blank, with results, with none, and with an impossible date of birth', async () => {
    const search = await SearchPage.goTo(s.page, running.baseUrl);
    assert.equal(await search.resultsHeading(), '');
    await checkAccessibility(s.page, 'find a person');
    await search.search({ name: 'Aysha Raman' });
    assert.deepEqual((await search.rows())[0], [AISHA.name, '12 April 1991', PRACTITIONER.agency]);
    await checkAccessibility(s.page, 'find a person: results');
    await search.search({ name: 'Zebedee Quigglesworth' });
    assert.equal(await search.resultsHeading(), '0 matching people');
    assert.equal(await search.noResults(), 'No one you may see matches. Check the spelling or search with fewer details.');
    await checkAccessibility(s.page, 'find a person: no results');
    await search.search({ name: 'Rahman', dateOfBirth: { day: '31', month: '2', year: '1991' } });
    assert.deepEqual(await checkErrorSummary(s.page), ['Date of birth must be a real date, like 27 3 1985']);
    assert.equal(await search.resultsHeading(), '', 'nothing is searched');
    await checkAccessibility(s.page, 'find a person with errors');
  });
});

describe('Case pages, as the practitioner in Children’s Social Care', () => {
  const s = signedIn(PRACTITIONER);
  let reference = '';
  let caseUrl = '';

  it('the case list shows the cases they can see, and filters by status', async () => {
    await s.page.goto(`${running.baseUrl}/cases`);
    const list = await CaseListPage.verifyOnPage(s.page);
    reference = await list.referenceFor(AMIRA);
    assert.match(await list.caption(), /^\d+ cases$/);
    await checkAccessibility(s.page, 'cases');
    await list.filter('Closed');
    assert.equal(new URL(s.page.url()).search, '?status=closed');
    const closed = await list.rows();
    assert.ok(closed.length > 0 && closed.every((r) => r[3] === 'Closed'), JSON.stringify(closed));
    await checkAccessibility(s.page, 'closed cases');
  });

  it('the case page shows its victim, perpetrator and children, sharing and "must not see" list', async () => {
    await (await CaseListPage.verifyOnPage(s.page)).filter('All');
    await (await CaseListPage.verifyOnPage(s.page)).open(reference);
    const casePage = await CasePage.verifyOnPage(s.page, reference);
    caseUrl = s.page.url();
    const summary = await casePage.summary();
    assert.deepEqual([summary['Status'], summary['Flags']], ['Open', 'Stalking | Pregnancy']);
    assert.equal((await casePage.victim())['Name'], AMIRA);
    const withoutAge = (rows: string[][]) => rows.map(([name, , ...rest]) => [name, ...rest]);
    assert.deepEqual(withoutAge(await casePage.perpetrators()), [['Dorian Blake', 'Ex-partner']]);
    const relationships = `${AMIRA}: Child | Dorian Blake: Stepchild`;
    const children = [
      ['Leo Castell', relationships, 'With the victim'],
      ['Maya Castell', relationships, 'With the victim'],
    ];
    assert.deepEqual(withoutAge(await casePage.children()), children);
    assert.ok(await casePage.restrictions.heading.isVisible(), 'the owning agency manages the list');
    await checkAccessibility(s.page, 'case page');
  });

  it('shares the case, after an error for choosing no agency; adds someone to its "must not see" list and removes them', async () => {
    const casePage = await CasePage.verifyOnPage(s.page, reference);
    await casePage.shareWith('');
    assert.deepEqual(await checkErrorSummary(s.page), ['Select an agency']);
    await checkAccessibility(s.page, 'case page with a sharing error');
    await casePage.shareWith('Housing Options');
    assert.equal(await casePage.notice(), 'Case shared');
    assert.match((await casePage.summary())['Agencies with this case'] ?? '', /Housing Options/);
    assert.ok((await casePage.timeline()).some((r) => r[2] === 'Shared with Housing Options'));

    await casePage.restrictions.add({ email: 'nobody@example.org', reason: 'Neighbour' });
    assert.deepEqual(await checkErrorSummary(s.page), ['No Harbour user has this email address']);
    await checkAccessibility(s.page, 'case page with a must-not-see error');
    await casePage.restrictions.add({ email: 'rep@demo.harbour.example', reason: 'Lives next door to the victim' });
    assert.equal(await casePage.notice(), 'Added to the “must not see” list');
    const who = 'Callum Fairweather (rep@demo.harbour.example), Housing Options';
    const [entry, ...others] = await casePage.restrictions.rows();
    assert.deepEqual([entry?.slice(0, 2), others], [[who, 'Lives next door to the victim'], []]);
    await checkAccessibility(s.page, 'case page with a must-not-see entry');
    await casePage.restrictions.remove(who);
    assert.equal(await casePage.notice(), 'Removed from the “must not see” list');
    assert.equal(await casePage.restrictions.table.count(), 0);
  });

  it('the edit page shows the flags; closing without a date is refused', async () => {
    await (await CasePage.verifyOnPage(s.page, reference)).change();
    const form = await CaseEditPage.verifyOnPage(s.page);
    assert.deepEqual(await form.checkedFlags(), ['Stalking', 'Pregnancy']);
    await checkAccessibility(s.page, 'change a case');
    await form.save({ status: 'Closed' });
    await CaseEditPage.verifyOnPage(s.page);
    assert.deepEqual(await checkErrorSummary(s.page), ['Enter the date the case was closed']);
    await checkAccessibility(s.page, 'change a case with errors');
    await form.save({ status: 'Closed', closedOn: today, flags: ['Mental health'] });
    const casePage = await CasePage.verifyOnPage(s.page, reference);
    assert.equal(await casePage.notice(), 'Case updated');
    assert.deepEqual([(await casePage.summary())['Status'], (await casePage.summary())['Flags']], ['Closed', 'Stalking | Mental health | Pregnancy']);
  });

  it('the add-perpetrator, add-child and add-household-member forms render and explain their errors', async () => {
    const names = ['Enter their first name', 'Enter their last name'];
    const errors = {
      perpetrator: [...names, 'Select how they are connected to the victim'],
      child: [...names, 'Enter their date of birth, or an estimated age if you do not know it', 'Select where the child lives'],
      'household member': names,
    };
    for (const role of ['perpetrator', 'child', 'household member'] as const) {
      await (await CasePage.verifyOnPage(s.page, reference)).add(role);
      const form = await CasePersonFormPage.verifyOnPage(s.page, role);
      assert.equal(await form.caption(), reference);
      await checkAccessibility(s.page, `add a ${role}`);
      await form.submitEmpty();
      await CasePersonFormPage.verifyOnPage(s.page, role);
      assert.deepEqual(await checkErrorSummary(s.page), errors[role]);
      await checkAccessibility(s.page, `add a ${role} with errors`);
      if (role === 'child') assert.deepEqual(await form.adultLabels(), [`Relationship to ${AMIRA} (Victim)`, 'Relationship to Dorian Blake (Perpetrator)']);
      if (role !== 'household member') await s.page.goto(caseUrl);
      else await form.add({ givenName: 'Margaret', familyName: 'Castell', estimatedAge: '70', relationship: 'Grandmother' });
    }
    assert.deepEqual(await (await CasePage.verifyOnPage(s.page, reference)).householdMembers(), [['Margaret Castell', 'About 70 (estimated)', 'Grandmother']]);
  });
});

describe('As the IDVA, on a case and a person that Children’s Social Care owns', () => {
  const s = signedIn(IDVA);

  it('the shared case page has no sharing or "must not see" sections', async () => {
    await s.page.goto(`${running.baseUrl}/cases`);
    const list = await CaseListPage.verifyOnPage(s.page);
    const reference = await list.referenceFor(AMIRA);
    await list.open(reference);
    const casePage = await CasePage.verifyOnPage(s.page, reference);
    assert.equal(await casePage.restrictions.heading.count(), 0);
    assert.equal(await s.page.getByRole('button', { name: 'Share case' }).count(), 0);
    await checkAccessibility(s.page, 'shared case page (IDVA)');
    await casePage.openPerson(AMIRA);
    await (await PersonPage.verifyOnPage(s.page, AMIRA)).restrictions();
    const restrictions = await RestrictionPage.verifyOnPage(s.page);
    assert.equal(await restrictions.insetText(), 'Only staff of the agency that recorded this person can see or change who must not see them.');
    await checkAccessibility(s.page, 'person must-not-see list (not the owner)');
  });
});

describe('Without JavaScript, the IDVA records a person and opens a case for them', () => {
  const s = signedIn(IDVA, false);

  it('records a person, through an error, and sees their page', async () => {
    await s.page.goto(`${running.baseUrl}/people/new`);
    assert.equal(await s.page.evaluate(() => document.body.classList.contains('js-enabled')), false, 'JavaScript really is off');
    const form = await PersonFormPage.verifyOnPage(s.page);
    await checkAccessibilityWithoutJavaScript(browser, s.page, 'record a person');
    await form.fillIn({ givenName: '', familyName: '', codeWord: 'Juniper' });
    await form.save();
    const withErrors = await PersonFormPage.verifyOnPage(s.page);
    assert.deepEqual(await withErrors.errorMessages(), ['Enter the person’s given names or family name']);
    assert.equal(await withErrors.codeWord.inputValue(), 'Juniper');
    await checkAccessibilityWithoutJavaScript(browser, s.page, 'record a person with errors');
    await withErrors.fillIn({ givenName: 'Nkechi', familyName: 'Obi', dateOfBirth: { day: '2', month: '11', year: '1987' }, doNotWriteHome: true });
    await withErrors.save();
    const person = await PersonPage.verifyOnPage(s.page, 'Nkechi Obi');
    assert.equal(await person.notice(), 'Person recorded');
    assert.ok(await person.safeContactComesFirst());
    assert.equal((await person.safeContactDetails())['Code word'], 'Juniper');
    await checkAccessibilityWithoutJavaScript(browser, s.page, 'person page');
  });

  it('opens a case for them and adds a perpetrator', async () => {
    await (await PersonPage.verifyOnPage(s.page, 'Nkechi Obi')).openCase();
    await (await CaseNewPage.verifyOnPage(s.page)).open({ openedOn: today });
    const reference = (await s.page.locator('h1').innerText()).trim();
    const casePage = await CasePage.verifyOnPage(s.page, reference);
    assert.equal((await casePage.victim())['Name'], 'Nkechi Obi');
    await checkAccessibilityWithoutJavaScript(browser, s.page, 'case page');
    await casePage.add('perpetrator');
    const form = await CasePersonFormPage.verifyOnPage(s.page, 'perpetrator');
    await form.add({ givenName: 'Chuka', familyName: 'Obi', relationship: 'Spouse or civil partner' });
    assert.deepEqual(await (await CasePage.verifyOnPage(s.page, reference)).perpetrators(), [['Chuka Obi', 'Not known', 'Spouse or civil partner']]);
    await checkAccessibilityWithoutJavaScript(browser, s.page, 'case page with a perpetrator');
  });
});
