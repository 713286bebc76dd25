import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { yearsBetween } from '../../src/modules/people/case.schemas.js';
import { formatDate, londonToday } from '../../src/platform/format.js';
import CaseNewPage from './pages/people/caseNewPage.js';
import CasePage from './pages/people/casePage.js';
import CasePersonFormPage from './pages/people/casePersonFormPage.js';
import ContactFormPage from './pages/people/contactFormPage.js';
import PersonFormPage from './pages/people/personFormPage.js';
import PersonListPage from './pages/people/personListPage.js';
import PersonPage from './pages/people/personPage.js';
import SearchPage from './pages/people/searchPage.js';
import { IDVA, signInAs } from './pages/people/staff.js';
import { checkAccessibility } from './support/axe.js';
import { launchBrowser, startApp, type RunningApp } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

const TODAY = londonToday();
const [YEAR, MONTH, DAY] = TODAY.split('-') as [string, string, string];
const today = { day: String(Number(DAY)), month: String(Number(MONTH)), year: YEAR };
const VICTIM = {
  givenName: 'Leanne',
  familyName: 'Johnson',
  knownAs: { givenName: 'Lee', familyName: 'Johnson' },
  dateOfBirth: { day: '12', month: '5', year: '1990' },
  safeTimes: 'Weekdays between 10am and 2pm',
  voicemail: 'No, do not leave a voicemail',
  doNotWriteHome: true,
  codeWord: 'Bluebell',
};
const NAME = 'Leanne Johnson';
const BORN = `12 May 1990 (age ${yearsBetween('1990-05-12', TODAY)})`;
const SAFE_PHONE = { value: '07700 900 461', safe: true, note: 'Her own mobile: he does not know it' };

describe('Journey: an IDVA records a victim with safe-contact details, opens a case with their family, and finds them again', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  let personUrl = '';
  let reference = '';
  const browserErrors: string[] = [];

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    page.on('console', (message) => message.type() === 'error' && browserErrors.push(`${page.url()}: ${message.text()}`));
    page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  it('the IDVA signs in and opens People: nobody is recorded yet', async () => {
    const home = await signInAs(page, running.baseUrl, IDVA);
    assert.deepEqual(await home.navigationItems(), [
      'Home',
      'Find a person',
      'People',
      'Cases',
      'MARAC meetings',
      'My agency’s actions',
      'IDVA casework',
      'Services',
    ]);
    await home.goToSection('People');
    const people = await PersonListPage.verifyOnPage(page);
    assert.equal(await people.table.count(), 0);
    assert.ok(await page.getByText('There are no people you can see yet.').isVisible());
    await checkAccessibility(page, 'people (empty)');
  });

  it('a person form sent with no name explains what is needed', async () => {
    await (await PersonListPage.verifyOnPage(page)).recordPerson();
    const form = await PersonFormPage.verifyOnPage(page);
    await checkAccessibility(page, 'record a person');
    await form.save();
    await PersonFormPage.verifyOnPage(page);
    assert.equal(new URL(page.url()).pathname, '/people/new');
    assert.deepEqual(await checkErrorSummary(page), ['Enter the person’s given names or family name']);
    await checkAccessibility(page, 'record a person with errors');
  });

  it('records the victim with a known-as name, date of birth and safe-contact details', async () => {
    const form = await PersonFormPage.verifyOnPage(page);
    await form.fillIn(VICTIM);
    await form.save();
    const person = await PersonPage.verifyOnPage(page, NAME);
    personUrl = page.url();
    assert.match(new URL(personUrl).pathname, /^\/people\/[0-9a-f-]{36}$/);
    assert.equal(await person.notice(), 'Person recorded');
    const details = await person.details();
    assert.equal(details['Names'], `${NAME} (legal name) | Lee Johnson (Known as)`);
    assert.equal(details['Date of birth or age'], BORN);
    assert.equal(details['Recorded by agency'], IDVA.agency);
    await checkAccessibility(page, 'person page (just recorded)');
  });

  it('the safe-contact panel is the first thing on the person page, with the code word, times and letters warning', async () => {
    await page.goto(personUrl); // as anyone opening the record would see it, not scrolled
    const person = await PersonPage.verifyOnPage(page, NAME);
    assert.ok(await person.safeContactComesFirst(), 'the safe-contact panel comes straight after the name');
    const box = await person.safeContact.boundingBox();
    assert.ok(box && box.y + 100 < (page.viewportSize()?.height ?? 0), 'the panel is in view without scrolling');
    assert.equal(await person.safeContactHeading(), `Check this before you contact ${NAME}`);
    assert.deepEqual(await person.safeContactWarnings(), [
      'Do not write to their home address.',
      'No phone number, email address or address is recorded as safe. Do not contact them until you have checked with the agency that recorded them.',
    ]);
    assert.deepEqual(await person.safeContactDetails(), {
      'Safe phone numbers and email addresses': 'None recorded as safe',
      'Safe addresses': 'None recorded as safe',
      'Safe times to call': VICTIM.safeTimes,
      Voicemail: VICTIM.voicemail,
      'Code word': VICTIM.codeWord,
    });
    await checkAccessibility(page, 'person page');
  });

  it('adds a safe phone number, through a mistyped one, and the panel then shows it', async () => {
    await (await PersonPage.verifyOnPage(page, NAME)).addPhone();
    const form = await ContactFormPage.verifyOnPage(page, 'phone');
    await checkAccessibility(page, 'add a phone number');
    await form.add({ ...SAFE_PHONE, value: '07700 9004' });
    const withErrors = await ContactFormPage.verifyOnPage(page, 'phone');
    assert.deepEqual(await checkErrorSummary(page), ['Enter a phone number, like 01632 960 001 or +44 7700 900 982']);
    assert.equal(await withErrors.value.inputValue(), '07700 9004', 'what was typed is kept');
    await checkAccessibility(page, 'add a phone number with errors');

    assert.ok(await withErrors.safe.isChecked(), 'so is "safe to use"');
    await withErrors.add(SAFE_PHONE);
    const person = await PersonPage.verifyOnPage(page, NAME);
    assert.equal(new URL(page.url()).hash, '#contacts');
    assert.equal(await person.notice(), 'Phone number added');
    assert.deepEqual(await person.contactRows(), [['Phone', `${SAFE_PHONE.value} | ${SAFE_PHONE.note}`, 'Safe', 'Mark as not safe Remove']]);
    const safe = await person.safeContactDetails();
    assert.equal(safe['Safe phone numbers and email addresses'], `Phone: ${SAFE_PHONE.value} (${SAFE_PHONE.note})`);
    assert.deepEqual(await person.safeContactWarnings(), ['Do not write to their home address.'], 'no longer "nothing is safe"');
    assert.ok(await person.safeContactComesFirst());
    await checkAccessibility(page, 'person page with a safe phone number');
  });

  it('opens a case from the person page with them as the victim, through an impossible date', async () => {
    await (await PersonPage.verifyOnPage(page, NAME)).openCase();
    const form = await CaseNewPage.verifyOnPage(page);
    assert.deepEqual(await form.victim(), { Name: NAME, 'Date of birth or age': BORN });
    assert.equal(await form.openedOn.getByLabel('Year').inputValue(), YEAR, 'today is suggested');
    await checkAccessibility(page, 'open a case for a known victim');

    await form.open({ openedOn: { day: '31', month: '2', year: YEAR }, flags: ['Stalking'] });
    const withErrors = await CaseNewPage.verifyOnPage(page);
    assert.equal(page.url(), `${running.baseUrl}/cases/new?person=${new URL(personUrl).pathname.split('/')[2]}`, 'still for the same victim');
    assert.deepEqual(await checkErrorSummary(page), ['Date the case was opened must be a real date']);
    assert.ok(await withErrors.flags.getByLabel('Stalking').isChecked(), 'the flag chosen is kept');
    await checkAccessibility(page, 'open a case with errors');

    await withErrors.open({ openedOn: today });
    reference = (await page.locator('main h1').innerText()).trim();
    assert.match(reference, new RegExp(`^HBR-${YEAR}-\\d{6}$`));
    const casePage = await CasePage.verifyOnPage(page, reference);
    assert.equal(await casePage.notice(), `Case ${reference} opened`);
    const summary = await casePage.summary();
    assert.deepEqual([summary['Status'], summary['Date opened'], summary['Flags']], ['Open', formatDate(TODAY), 'Stalking']);
    assert.equal(summary['Agencies with this case'], `${IDVA.agency} (owns the case)`);
    assert.deepEqual(await casePage.victim(), { Name: NAME, 'Date of birth or age': BORN });
    await checkAccessibility(page, 'new case');
  });

  it('adds the perpetrator with their connection to the victim', async () => {
    await (await CasePage.verifyOnPage(page, reference)).add('perpetrator');
    const form = await CasePersonFormPage.verifyOnPage(page, 'perpetrator');
    assert.equal(await form.caption(), reference);
    await checkAccessibility(page, 'add a perpetrator');
    await form.submitEmpty();
    await CasePersonFormPage.verifyOnPage(page, 'perpetrator');
    assert.deepEqual(await checkErrorSummary(page), ['Enter their first name', 'Enter their last name', 'Select how they are connected to the victim']);
    await checkAccessibility(page, 'add a perpetrator with errors');

    await form.add({ givenName: 'Darren', familyName: 'Pike', estimatedAge: '38', relationship: 'Ex-partner' });
    const casePage = await CasePage.verifyOnPage(page, reference);
    assert.equal(await casePage.notice(), 'Perpetrator added');
    assert.deepEqual(await casePage.perpetrators(), [['Darren Pike', 'About 38 (estimated)', 'Ex-partner']]);
  });

  it('adds two children with their relationship to each adult and where they live', async () => {
    await (await CasePage.verifyOnPage(page, reference)).add('child');
    const form = await CasePersonFormPage.verifyOnPage(page, 'child');
    assert.deepEqual(await form.adultLabels(), [`Relationship to ${NAME} (Victim)`, 'Relationship to Darren Pike (Perpetrator)']);
    await checkAccessibility(page, 'add a child');
    const relationshipTo = { [`${NAME} (Victim)`]: 'Child', 'Darren Pike (Perpetrator)': 'Child' };
    await form.add({
      givenName: 'Mia',
      familyName: 'Johnson',
      dateOfBirth: { day: '3', month: '9', year: '2016' },
      relationshipTo,
      livesWith: 'With the victim',
    });
    assert.equal(await (await CasePage.verifyOnPage(page, reference)).notice(), 'Child added');

    await (await CasePage.verifyOnPage(page, reference)).add('child');
    const second = await CasePersonFormPage.verifyOnPage(page, 'child');
    const oliver = {
      givenName: 'Oliver',
      familyName: 'Johnson',
      relationshipTo: { ...relationshipTo, 'Darren Pike (Perpetrator)': 'Stepchild' },
      livesWith: 'Elsewhere',
    };
    await second.add({ ...oliver, estimatedAge: '19' });
    await CasePersonFormPage.verifyOnPage(page, 'child');
    const tooOld = `A child must be under 18 on the date the case was opened (${formatDate(TODAY)}). Add someone 18 or over as a household member.`;
    assert.deepEqual(await checkErrorSummary(page), [tooOld]);
    await checkAccessibility(page, 'add a child with errors');
    await second.add({ ...oliver, estimatedAge: '', dateOfBirth: { day: '14', month: '1', year: '2020' } });

    const casePage = await CasePage.verifyOnPage(page, reference);
    assert.equal(await casePage.notice(), 'Child added');
    const age = (iso: string) => yearsBetween(iso, TODAY);
    assert.deepEqual(await casePage.children(), [
      ['Mia Johnson', `3 September 2016 (age ${age('2016-09-03')})`, `${NAME}: Child | Darren Pike: Child`, 'With the victim'],
      ['Oliver Johnson', `14 January 2020 (age ${age('2020-01-14')})`, `${NAME}: Child | Darren Pike: Stepchild`, 'Elsewhere'],
    ]);
    assert.deepEqual(await casePage.perpetrators(), [['Darren Pike', 'About 38 (estimated)', 'Ex-partner']]);
    const timeline = (await casePage.timeline()).map((row) => row.slice(1));
    for (const what of ['Case opened', 'Perpetrator added: Darren Pike', 'Child added: Mia Johnson', 'Child added: Oliver Johnson'])
      assert.ok(
        timeline.some(([who, text]) => who === `${IDVA.name} (${IDVA.agency})` && text === what),
        `timeline has "${what}": ${JSON.stringify(timeline)}`,
      );
    await checkAccessibility(page, 'case with perpetrator and children');
  });

  it('finds the victim by a misspelt name, and by her known-as name, and opens her record from the results', async () => {
    const search = await SearchPage.goTo(page, running.baseUrl);
    await checkAccessibility(page, 'find a person');

    await search.search({ name: 'Leanne Jonson' });
    assert.equal(new URL(page.url()).searchParams.get('name'), 'Leanne Jonson');
    assert.equal(await search.resultsHeading(), '1 matching person');
    assert.deepEqual(await search.rows(), [[NAME, '12 May 1990', IDVA.agency]]);
    await checkAccessibility(page, 'search results');

    await search.search({ name: 'Lee Jonson' });
    assert.deepEqual(await search.rows(), [[`${NAME} | known as Lee Johnson`, '12 May 1990', IDVA.agency]]);

    await search.search({ name: 'Jonson' });
    assert.deepEqual((await search.rows()).map((row) => row[0]).sort(), [`${NAME}`, 'Mia Johnson', 'Oliver Johnson']);

    await search.open(NAME);
    const person = await PersonPage.verifyOnPage(page, NAME);
    assert.equal(page.url(), personUrl);
    assert.ok(await person.safeContactComesFirst());
  });

  it('no page logged a script error or a Content-Security-Policy violation on the way', () => {
    assert.deepEqual(browserErrors, []);
  });
});
