// Journey (issue 3, Acceptance): a broker creates a contact with a household member, a
// project with a beneficiary and a subscription, a contract with an insured person, a
// note and a document; then edits them. Everything goes through the screens; the API
// only confirms what was stored.
import { USERS, apiLogIn, expect, test, fullPageShot } from './fixtures';

/** Valid identifiers (the domain validators' rules), none a real person's. */
const VALID = {
  nir: '185057800608491',
  codeOrganisme: '011751234',
  iban: 'FR7630006000011234567890189',
  bic: 'BNPAFRPPXXX',
};

test.describe('fiches', () => {
  test('créer puis modifier un contact, son foyer, un projet, un contrat, une note et un document', async ({
    page,
    contactsList,
    contactPage,
    projectPage,
    contractPage,
  }) => {
    test.setTimeout(90_000);
    await apiLogIn(page, USERS.admin);
    const stamp = Date.now().toString(36);
    const lastName = `Essai-${stamp}`;

    // --- contact
    await contactsList.goto();
    await contactsList.newContact.click();
    await expect(page).toHaveURL(/\/contacts\/new$/);
    await expect(contactPage.form).toBeVisible();
    await contactPage.fillAll({
      first_name: 'Camille',
      last_name: lastName,
      email: `camille.${stamp}@exemple.fr`,
      mobile_phone: '06 12 34 56 78',
      postal_code: '69003',
      city: 'Lyon',
    });
    await contactPage.save.click();
    await expect(page).toHaveURL(/\/contacts\/(?!new$)[^/]+$/);
    await contactPage.expectLoaded();
    const contactId = contactPage.idFromUrl();
    await expect(contactPage.field('last_name')).toHaveValue(lastName);

    // --- household member
    await contactPage.householdAdd.click();
    await contactPage.fillAll({
      'household.first_name': 'Léa',
      'household.last_name': lastName,
    });
    await contactPage.householdSave.click();
    await expect(contactPage.householdRows).toHaveCount(1);
    await expect(contactPage.householdRows.first()).toContainText('Léa');

    // --- project with a beneficiary and a subscription
    await contactPage.projectNew.click();
    await expect(contactPage.projectForm).toBeVisible();
    await contactPage.fill('type', 'sante');
    await contactPage.beneficiaryAdd.click();
    await contactPage.fillAll({
      'beneficiaries.0.first_name': 'Hugo',
      'beneficiaries.0.last_name': lastName,
    });
    await contactPage.subscriptionAdd.click();
    await contactPage.fillAll({
      'subscriptions.0.nir': VALID.nir,
      'subscriptions.0.code_organisme': VALID.codeOrganisme,
      'subscriptions.0.iban': VALID.iban,
      'subscriptions.0.bic': VALID.bic,
    });
    await contactPage.projectSave.click();
    await expect(page).toHaveURL(/\/projects\/[^/]+$/);
    await projectPage.expectLoaded();
    const projectId = projectPage.idFromUrl();
    const project = await (await page.request.get(`/api/v1/projects/${projectId}`)).json();
    expect(project.contact_id).toBe(contactId);
    expect(project.type).toBe('sante');
    expect(project.beneficiaries).toHaveLength(1);
    expect(project.beneficiaries[0].first_name).toBe('Hugo');
    expect(project.subscriptions).toHaveLength(1);
    expect(project.subscriptions[0].iban).toBe(VALID.iban);
    await fullPageShot(page, 'project.png');

    // --- contract with an insured person
    await projectPage.contractNew.click();
    await expect(projectPage.contractForm).toBeVisible();
    await projectPage.fillAll({ insurer: 'Mutuelle Exemple', product: 'Santé Essentiel' });
    await projectPage.insuredAdd.click();
    await projectPage.fillAll({
      'insured.0.first_name': 'Hugo',
      'insured.0.last_name': lastName,
    });
    await projectPage.contractSave.click();
    let contractId = '';
    await expect
      .poll(async () => {
        const d = await (await page.request.get(`/api/v1/contacts/${contactId}`)).json();
        contractId = d.contracts?.[0]?.id ?? '';
        return d.contracts?.length ?? 0;
      })
      .toBe(1);
    const contract = await (await page.request.get(`/api/v1/contracts/${contractId}`)).json();
    expect(contract.project_id).toBe(projectId);
    expect(contract.insured).toHaveLength(1);
    expect(contract.insured[0].first_name).toBe('Hugo');

    // --- note and document, on the contact page
    await contactPage.goto(contactId);
    await contactPage.addNote(`Rappeler Camille pour la santé (${stamp}).`);
    await contactPage.uploadDocument(`Attestation ${stamp}`, {
      name: 'attestation.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% Oubli e2e\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await fullPageShot(page, 'contact.png');

    // --- edit the contact
    await contactPage.fill('city', 'Villeurbanne');
    await contactPage.fill('postal_code', '69100');
    await contactPage.save.click();
    await expect
      .poll(async () => (await (await page.request.get(`/api/v1/contacts/${contactId}`)).json()).city)
      .toBe('Villeurbanne');
    await page.reload();
    await contactPage.expectLoaded();
    await expect(contactPage.field('city')).toHaveValue('Villeurbanne');

    // --- edit the household member
    await contactPage.householdRows.first().getByTestId('household-edit').click();
    await contactPage.fill('household.first_name', 'Léonie');
    await contactPage.householdSave.click();
    await expect(contactPage.householdRows).toHaveCount(1);
    await expect(contactPage.householdRows.first()).toContainText('Léonie');
    const household = await (await page.request.get(`/api/v1/contacts/${contactId}/household`)).json();
    const members = household.items ?? household;
    expect(members.map((m: { first_name: string }) => m.first_name)).toEqual(['Léonie']);

    // --- edit the project's beneficiary
    await projectPage.goto(projectId);
    await projectPage.fill('beneficiaries.0.first_name', 'Hugues');
    await projectPage.save.click();
    await expect
      .poll(async () => (await (await page.request.get(`/api/v1/projects/${projectId}`)).json()).beneficiaries?.[0]?.first_name)
      .toBe('Hugues');
    await page.reload();
    await projectPage.expectLoaded();
    await expect(projectPage.field('beneficiaries.0.first_name')).toHaveValue('Hugues');

    // --- edit the contract and its insured person
    await page.goto(`/contracts/${contractId}`);
    await contractPage.expectLoaded();
    await contractPage.fill('product', 'Santé Confort');
    await contractPage.fill('insured.0.first_name', 'Hugues');
    await contractPage.save.click();
    await expect
      .poll(async () => {
        const c = await (await page.request.get(`/api/v1/contracts/${contractId}`)).json();
        return `${c.product}/${c.insured?.[0]?.first_name}`;
      })
      .toBe('Santé Confort/Hugues');
    await fullPageShot(page, 'contract.png');
  });
});
