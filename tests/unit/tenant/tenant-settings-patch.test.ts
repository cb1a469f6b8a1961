import { patchedSettings } from '../../../src/modules/tenant/tenant-settings-patch';

describe('patchedSettings', () => {
  const current = { currencies: ['USD'], branding: { name: 'Acme' }, webhooks: { maxAttempts: 5 } };

  it('when a section is given, then it replaces that section only', () => {
    expect(patchedSettings(current, { branding: { name: 'Acme Pay', primaryColor: '#112233' } })).toEqual({
      currencies: ['USD'],
      branding: { name: 'Acme Pay', primaryColor: '#112233' },
      webhooks: { maxAttempts: 5 },
    });
  });

  it('when a section is null, then it is removed; an absent one stays', () => {
    expect(patchedSettings(current, { webhooks: null, currencies: undefined })).toEqual({
      currencies: ['USD'],
      branding: { name: 'Acme' },
    });
  });

  it('when nothing is given, then the settings stay as they are', () => {
    expect(patchedSettings(current, {})).toEqual(current);
  });
});
