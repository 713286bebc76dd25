import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { demoIds, insertAcceptedReferral } from '../../src/modules/marac/marac.test-support.js';
import { exportPacket, importPacket, trustKey } from '../../src/modules/marac/transfer.service.js';
import { systemActor, userActor } from '../../src/platform/request-context.js';
import { privateKeyPem, publicKeyPem } from '../../src/platform/signing-keys.js';
import { COORDINATOR, signedIn, signInAs } from './pages/people/staff.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { appForFile } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

/** The transfer pages render, refuse with a GOV.UK error summary, and pass axe with and without JavaScript. */
let caseId: string;
let transferId: string;

const key = generateKeyPairSync('ed25519').privateKey;
const app = appForFile({
  env: { HARBOUR_TRANSFER_SIGNING_KEY: privateKeyPem(key) },
  prepare: async (running) => {
    const { db } = running.t.database;
    const pid = running.t.partnershipId;
    const { agencies } = await demoIds(db);
    await db.insertInto('referral_settings').values({ partnership_id: pid, marac_agency_id: agencies.COUNCIL!, updated_by: null }).execute();
    ({ caseId } = await insertAcceptedReferral(db, pid, {
      owner: 'HOUSING',
      victim: { given: 'Leah', family: 'Marsh', dob: '1990-02-01' },
      daysAgo: 10,
      band: 'high',
    }));
    // A packet this partnership signed and, trusting its own key for the test, imported: a transfer to look at.
    await trustKey(db, systemActor(pid, 'test'), { name: 'Harbourshire DAP', publicKey: publicKeyPem(key) });
    const actor = await userActor(db, pid, COORDINATOR.email, 'test');
    const { file } = await exportPacket(
      db,
      actor,
      caseId,
      { to: 'Westshire MARAC', reason: 'Moved', consent: { status: 'given', lawfulBasis: null, reason: null } },
      running.t.config.transferSigningKey,
    );
    const viewer = actor.principal as Parameters<typeof importPacket>[1]['viewer'];
    ({ transferId } = await importPacket(db, { actor, people: actor, viewer, userId: viewer.userId }, file));
  },
});

describe('MARAC transfer pages (coordinator)', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ({ context, page } = await signedIn(app.browser, app.running.baseUrl, COORDINATOR));
  });
  after(() => context?.close());

  for (const [label, path] of [
    ['the list', () => '/marac/transfers'],
    ['the keys', () => '/marac/transfers/keys'],
    ['an imported transfer', () => `/marac/transfers/${transferId}`],
    ['the export form', () => `/marac/cases/${caseId}/transfer`],
    ['the import form', () => '/marac/transfers/import'],
  ] as const) {
    it(`${label} renders and passes axe`, async () => {
      const res = await page.goto(`${app.running.baseUrl}${path()}`);
      assert.equal(res?.status(), 200);
      await checkAccessibility(page, label);
    });
  }

  it('the export form, sent empty, lists every problem', async () => {
    await page.goto(`${app.running.baseUrl}/marac/cases/${caseId}/transfer`);
    await page.getByRole('button', { name: 'Sign and download the packet' }).click();
    assert.deepEqual(await checkErrorSummary(page), [
      'Enter the MARAC the case is going to',
      'Enter why the case is being transferred',
      'Select whether the victim consented to the transfer',
    ]);
    await checkAccessibility(page, 'export form with errors');
  });

  it('a pasted packet that is not JSON is refused with its reason', async () => {
    await page.goto(`${app.running.baseUrl}/marac/transfers/import`);
    await page.getByLabel('Transfer packet').fill('not a packet');
    await page.getByRole('button', { name: 'Check and import' }).click();
    assert.deepEqual(await checkErrorSummary(page), ['The packet is not valid JSON. Upload or paste the whole .json file exactly as it was sent.']);
    await checkAccessibility(page, 'import form with errors');
  });
});

describe('MARAC transfer forms without JavaScript', () => {
  it('the export and import forms pass axe as a browser without JavaScript gets them', async () => {
    const context = await app.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInAs(page, app.running.baseUrl, COORDINATOR);
      for (const path of [`/marac/cases/${caseId}/transfer`, '/marac/transfers/import']) {
        await page.goto(`${app.running.baseUrl}${path}`);
        await checkAccessibilityWithoutJavaScript(app.browser, page, path);
      }
    } finally {
      await context.close();
    }
  });
});
